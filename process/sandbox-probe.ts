import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SandboxLimits } from './sandbox-policy.js';
import { prepareSandbox, wrapCommand } from './sandbox.js';

export type SandboxProbe = { usable: true } | { usable: false; reason: string };

/**
 * Starts `true` in a bubblewrap sandbox exactly as commands will be started (every namespace,
 * prlimit with these limits), so a machine that cannot sandbox is found at worker start, not at
 * the first agent command.
 */
export async function probeBubblewrap(
  limits: SandboxLimits,
  env: Record<string, string | undefined> = process.env,
): Promise<SandboxProbe> {
  const dir = await mkdtemp(path.join(tmpdir(), 'jetpack-sandbox-probe-'));
  try {
    const sandbox = {
      kind: 'bubblewrap' as const,
      worktree: dir,
      scratchDir: path.join(dir, 'tmp'),
      homeDir: path.join(dir, 'home'),
      stateDir: dir,
      writable: [],
      readOnly: [],
      hidden: [],
      network: false,
      env: { PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin' },
      limits,
    };
    await prepareSandbox(sandbox);
    const spec = wrapCommand(sandbox, ['true']);
    return await new Promise<SandboxProbe>((resolve) => {
      execFile(spec.file, spec.args, { env: spec.env, timeout: 15_000 }, (err, _stdout, stderr) => {
        if (!err) return resolve({ usable: true });
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT')
          return resolve({ usable: false, reason: 'the `bwrap` program (bubblewrap) is not installed' });
        resolve({ usable: false, reason: `\`bwrap … prlimit … true\` failed: ${stderr.trim() || err.message}` });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Why the worker will not start without a sandbox, and the two ways out. */
export function sandboxUnavailableMessage(reason: string): string {
  return [
    `the sandbox for agent commands and checks is not usable: ${reason}.`,
    'It needs Linux with bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`),',
    'run as root or with unprivileged user namespaces enabled, and prlimit (util-linux).',
    'Or set SWARM_SANDBOX=none (or "sandbox": "none" in swarm.config.json) to run agent commands and checks',
    "unconfined, with this worker's privileges: they can then read its environment (API keys, database token),",
    'every file it can read, and the network.',
  ].join(' ');
}
