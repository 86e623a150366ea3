import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentContext } from './adapter.js';

/**
 * A fresh, private directory for one CLI run's own configuration (a CODEX_HOME, a Gemini CLI home):
 * inside the task's sandbox home when there is a sandbox (so the sandboxed CLI can read and write
 * it, and it goes with the task), else a temporary directory removed after the run. Never the
 * user's global configuration.
 */
export async function createConfigHome(
  context: AgentContext,
  kind: string,
): Promise<{ dir: string; dispose(): Promise<void> }> {
  if (context.sandbox) {
    const dir = path.join(context.sandbox.homeDir, `.swarm-${kind}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return { dir, dispose: async () => {} };
  }
  const dir = await mkdtemp(path.join(tmpdir(), `swarm-${kind}-`));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}
