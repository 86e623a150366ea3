import path from 'node:path';

/** Every `node_modules/.bin` from the worktree up to the root, nearest first, as `npm run` puts them on the PATH. */
function nodeBinDirs(worktree: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.resolve(worktree); ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, 'node_modules', '.bin'));
    if (path.dirname(dir) === dir) return dirs;
  }
}

/**
 * The environment a quality tool runs in: the repo's own binaries first, no colours, no watch modes.
 * Other projects' `node_modules/.bin` dirs (a worker started by `npm run` inherits the swarm's own)
 * leave the PATH, so a repo without its dependencies installed fails clearly instead of silently
 * running another project's eslint or tsc.
 */
export function toolEnv(worktree: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const inherited = (base.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '' && !/[/\\]node_modules[/\\]\.bin[/\\]?$/.test(dir));
  return { ...base, PATH: [...nodeBinDirs(worktree), ...inherited].join(path.delimiter), CI: 'true', FORCE_COLOR: '0' };
}
