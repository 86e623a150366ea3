import path from 'node:path';
import { withoutNodeBinDirs } from '../process/sandbox-env.js';
import { COREPACK_ENV } from '../workspace/corepack.js';

/** Every `node_modules/.bin` from the worktree up to the root, nearest first, as `npm run` puts them on the PATH. */
function nodeBinDirs(worktree: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.resolve(worktree); ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, 'node_modules', '.bin'));
    if (path.dirname(dir) === dir) return dirs;
  }
}

/**
 * The environment a quality tool runs in: `base` (the sandbox's cleared env, or an allowlist of the
 * worker's; never the worker's whole env, which would hand API keys to the repository's tests) with
 * the repo's own binaries first, no colours, no watch modes. Other projects' `node_modules/.bin`
 * dirs (a worker started by `npm run` inherits the swarm's own) leave the PATH, so a repo without
 * its dependencies installed fails clearly instead of silently running another project's eslint or tsc.
 * `laterPath` comes last: Corepack's shims, for a manager the host does not have.
 */
export function toolEnv(
  worktree: string,
  base: Record<string, string>,
  laterPath: string[] = [],
): Record<string, string> {
  return {
    ...base,
    ...COREPACK_ENV,
    PATH: [...nodeBinDirs(worktree), ...withoutNodeBinDirs(base.PATH), ...laterPath].join(path.delimiter),
    CI: 'true',
    FORCE_COLOR: '0',
  };
}
