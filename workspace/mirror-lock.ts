import { hostname } from 'node:os';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RepoGit } from './git-bindings.js';
import { withRepoLock } from './repo-lock.js';

/**
 * One mirror operation at a time on this machine: withRepoLock() orders this process's activities,
 * and a lock directory `<mirror>.lock` (mkdir is atomic) orders the worker processes sharing one
 * SWARM_HOME (`swarm start` runs one per model type). A lock whose owner process is gone is taken over.
 */
export async function withMirrorLock<T>(gitDir: string, fn: () => Promise<T>): Promise<T> {
  return withRepoLock(gitDir, async () => {
    const lock = `${gitDir}.lock`;
    await acquire(lock);
    try {
      return await fn();
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  });
}

const owner = () => `${hostname()} ${process.pid}`;

async function acquire(lock: string): Promise<void> {
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      await mkdir(lock);
      await writeFile(path.join(lock, 'owner'), owner());
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await abandoned(lock)) await rm(lock, { recursive: true, force: true });
    else await sleep(wait);
  }
}

/** The lock's owner is a process of this host that no longer runs (a crashed worker). */
async function abandoned(lock: string): Promise<boolean> {
  const content = await readFile(path.join(lock, 'owner'), 'utf8').catch(() => null);
  // No owner yet: being written right now, or its maker died in between (then it is old).
  if (content === null) return Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? Date.now()) > 10_000;
  const [host, pid] = content.split(' ');
  if (host !== hostname() || !pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The lock of a repository's worktree admin and, for a mirror, its fetches and pushes (see above). */
export const lockRepo = <T>(repo: RepoGit, fn: () => Promise<T>): Promise<T> =>
  repo.remote ? withMirrorLock(repo.commonDir, fn) : withRepoLock(repo.commonDir, fn);
