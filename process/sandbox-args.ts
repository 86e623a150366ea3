import path from 'node:path';
import type { Sandbox, SandboxLimits } from './sandbox-policy.js';

const MB = 1024 * 1024;

/** `prlimit` options setting soft and hard limit alike (a process can lower them, never raise them). */
export function prlimitArgs(limits: SandboxLimits): string[] {
  return [
    `--data=${limits.memoryMb * MB}`,
    `--fsize=${limits.fileSizeMb * MB}`,
    `--cpu=${limits.cpuSeconds}`,
    `--nofile=${limits.openFiles}`,
    `--nproc=${limits.processes}`,
  ];
}

/** Hidden directories, but for those bound at the very same path anyway (e.g. a repository that is its own worktree). */
function hiddenPaths(sandbox: Sandbox): string[] {
  const bound = new Set(['/tmp', sandbox.worktree, sandbox.homeDir, ...sandbox.writable, ...sandbox.readOnly]);
  return sandbox.hidden.filter((dest) => !bound.has(dest));
}

interface Mount {
  args: string[];
  dest: string;
}

const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);

/**
 * The mounts over the read-only host, ordered so that each lands on top of what it must override:
 * shallower paths first, and at equal depth hide, then /tmp, then read-only, then writable binds.
 * So the worktree stays writable inside a hidden SWARM_HOME, and the repository's `.git` stays
 * readable inside its hidden working tree.
 */
function mounts(sandbox: Sandbox): Mount[] {
  const ordered: Mount[] = [
    ...hiddenPaths(sandbox).map((dest) => ({ args: ['--tmpfs', dest], dest })),
    { args: ['--bind', sandbox.scratchDir, '/tmp'], dest: '/tmp' },
    ...sandbox.readOnly.map((dest) => ({ args: ['--ro-bind', dest, dest], dest })),
    ...[sandbox.worktree, sandbox.homeDir, ...sandbox.writable].map((dest) => ({ args: ['--bind', dest, dest], dest })),
  ];
  const seen = new Set<string>();
  return ordered
    .map((mount, index) => ({ mount, index }))
    .sort((a, b) => depth(a.mount.dest) - depth(b.mount.dest) || a.index - b.index)
    .map(({ mount }) => mount)
    .filter((mount) => {
      const key = mount.args.join('\0');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * The bwrap argv (without the `bwrap` itself) running `argv` in `cwd` inside the sandbox: the host
 * read-only, the mounts above, fresh /dev and /proc, every namespace unshared (the network unless
 * allowed), no capabilities, its own session, killed with its parent, and the resource limits
 * applied by prlimit. The environment is not in the argv (where `ps` shows it to every local user):
 * bwrap passes its own environment on, and the caller spawns it with exactly `sandbox.env`.
 */
export function bubblewrapArgs(sandbox: Sandbox, argv: readonly string[], cwd: string = sandbox.worktree): string[] {
  for (const p of [
    sandbox.worktree,
    sandbox.scratchDir,
    sandbox.homeDir,
    cwd,
    ...sandbox.writable,
    ...sandbox.readOnly,
    ...sandbox.hidden,
  ]) {
    if (!path.isAbsolute(p)) throw new Error(`sandbox paths must be absolute, got "${p}"`);
  }
  return [
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    ...mounts(sandbox).flatMap((m) => m.args),
    // Last, once the binds inside them exist: the hiding tmpfs are read-only too, so a write to a
    // hidden path fails instead of vanishing with the sandbox.
    ...hiddenPaths(sandbox).flatMap((dest) => ['--remount-ro', dest]),
    '--unshare-all',
    ...(sandbox.network ? ['--share-net'] : []),
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--chdir',
    cwd,
    '--',
    'prlimit',
    ...prlimitArgs(sandbox.limits),
    '--',
    ...argv,
  ];
}
