import { existsSync } from 'node:fs';
import { looseContext, registeredWorktree, worktreeContext } from './git-bindings.js';
import { withoutRepoDrivers } from './git-drivers.js';
import { gitEnv } from './git-env.js';
import { GitError, runGit, type GitContext } from './git-run.js';
import { restoreGitfile } from './worktree-guard.js';

export { GitError } from './git-run.js';

export interface GitOptions {
  signal?: AbortSignal;
  /** Let git look for the repository in the parents of `cwd` (only for a path the user gave). */
  discover?: boolean;
}

/**
 * How git runs in `cwd`: on a task worktree this process prepared, with its explicit git dir and work
 * tree whatever its `.git` says (and that gitfile restored for the agent's own git); anywhere else on
 * `cwd` itself only, never an enclosing repository. Always hardened (see git-env.ts) and with the
 * repository's own filter/merge/diff drivers off.
 */
async function contextFor(cwd: string, options: GitOptions): Promise<GitContext> {
  const wt = registeredWorktree(cwd);
  if (!wt) return withoutRepoDrivers(looseContext(cwd, options.discover));
  if (existsSync(wt.workTree)) await restoreGitfile(wt.workTree, wt.gitDir);
  return withoutRepoDrivers(worktreeContext(wt));
}

/** Runs git without a shell; throws GitError naming the command and git's own message. */
export async function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  return runGit(await contextFor(cwd, options), args, options);
}

/** Like git(), but returns null instead of throwing when git exits non-zero. */
export async function gitMaybe(cwd: string, args: string[], options: GitOptions = {}): Promise<string | null> {
  try {
    return await git(cwd, args, options);
  } catch (err) {
    if (err instanceof GitError) return null;
    throw err;
  }
}

/** For code that must spawn git itself (streaming output): the cwd and environment git() would use. */
export async function gitSpawnOptions(cwd: string): Promise<{ cwd: string; env: Record<string, string> }> {
  const ctx = await contextFor(cwd, {});
  return { cwd: ctx.cwd, env: gitEnv(ctx.vars, ctx.config) };
}
