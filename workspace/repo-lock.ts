/**
 * One git worktree-admin operation at a time per repository, within this process. `git worktree
 * add` writes `.git/worktrees/<id>/` file by file, and a concurrent `prune` (or `list`) in the same
 * repository sees it half made: `could not open '.git/worktrees/<id>/locked'`. Workers run several
 * activities at once, so prepare, remove and detached checkouts of one repository queue here.
 * (Separate worker processes on one repository are not serialised by this.)
 */
const queues = new Map<string, Promise<void>>();

export async function withRepoLock<T>(commonDir: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(commonDir) ?? Promise.resolve();
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => done);
  queues.set(commonDir, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (queues.get(commonDir) === tail) queues.delete(commonDir);
  }
}
