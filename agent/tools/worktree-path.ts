import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { SwarmError } from '../../errors/swarm-error.js';

/** A path the model asked for that lies outside the worktree, inside `.git`, or is otherwise unusable. */
export class PathRefusedError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'PathRefusedError';
}

export interface WorktreePath {
  absolute: string;
  /** Relative to the worktree root, with `/` separators; `.` for the root itself. */
  relative: string;
}

const isOutside = (relative: string) =>
  relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
const isGitInternal = (relative: string) => relative.split(path.sep)[0] === '.git';

function checkRelative(requested: string, relative: string): void {
  if (isOutside(relative)) throw new PathRefusedError(`refused path "${requested}": it is outside the worktree`);
  if (isGitInternal(relative)) throw new PathRefusedError(`refused path "${requested}": .git is off limits`);
}

async function realpathOfNearestExisting(absolute: string): Promise<string> {
  for (let probe = absolute; ; probe = path.dirname(probe)) {
    try {
      return await realpath(probe);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || probe === path.dirname(probe)) throw err;
      // A dangling symlink has no realpath, but a write or mkdir would still follow it.
      if ((await lstat(probe).catch(() => null))?.isSymbolicLink()) {
        throw new PathRefusedError(`refused path: ${path.basename(probe)} is a symbolic link to a missing target`);
      }
    }
  }
}

/**
 * Resolves a path the model asked for against the worktree and refuses anything outside it or in
 * `.git`. Symbolic links are followed (through the nearest existing ancestor), so a link inside the
 * worktree cannot lead a read or write outside it.
 */
export async function resolveWorktreePath(worktree: string, requested: string): Promise<WorktreePath> {
  if (requested.includes('\0')) throw new PathRefusedError('refused path: it contains a NUL byte');
  const root = path.resolve(worktree);
  const lexical = path.relative(root, path.resolve(root, requested));
  checkRelative(requested, lexical);

  const realRoot = await realpath(root);
  const absolute = path.join(realRoot, lexical);
  const real = await realpathOfNearestExisting(absolute);
  checkRelative(requested, path.relative(realRoot, real));
  return { absolute, relative: lexical === '' ? '.' : lexical.split(path.sep).join('/') };
}
