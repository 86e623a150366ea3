import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError, type SwarmConfig } from '../config/config.js';
import { probeBubblewrap, sandboxUnavailableMessage } from '../process/sandbox-probe.js';
import { sandboxSettings, type SandboxSettings } from '../process/task-sandbox.js';

/**
 * The worker's sandbox settings. Hidden from every sandbox: the worker's HOME, SWARM_HOME (the
 * database, other tasks' worktrees), the worktrees dir and the database's directory. With
 * bubblewrap, a probe must start a sandbox, or the worker refuses to start (a ConfigError).
 */
export async function workerSandbox(
  config: SwarmConfig,
  env: Record<string, string | undefined>,
): Promise<SandboxSettings> {
  // Hidden directories must exist now: a tmpfs only covers what is there.
  const shared = config.checks.dependencyCacheDir;
  for (const dir of [config.home, config.worktreesDir, shared]) mkdirSync(dir, { recursive: true });
  const databaseDir = config.database.mode === 'remote' ? [] : [path.dirname(config.database.path)];
  const settings = sandboxSettings({
    kind: config.sandbox.kind,
    limits: config.sandbox.limits,
    swarmHome: config.home,
    workerHome: homedir(),
    alsoHidden: [config.worktreesDir, ...databaseDir, ...(env.HOME ? [env.HOME] : [])],
    sharedReadOnly: [shared],
    sourceEnv: env,
  });
  if (settings.kind === 'bubblewrap') {
    const probe = await probeBubblewrap(settings.limits, env);
    if (!probe.usable) throw new ConfigError(sandboxUnavailableMessage(probe.reason));
  }
  return settings;
}
