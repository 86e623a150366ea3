import { randomBytes } from 'node:crypto';
import { lstat, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { realpathOr, type WorktreeGit } from './git-bindings.js';
import { runGit, runGitMaybe, type GitContext } from './git-run.js';
import { RepoError } from './repo-error.js';

/**
 * The link between a task worktree and its private git dir, checked and repaired from the
 * repository's side. The agent can delete or rewrite the worktree's `.git` gitfile; the worker's git
 * never reads it (GIT_DIR is explicit), but the agent's own git and `git worktree prune` do.
 */

/**
 * The private git dir `<commonDir>/worktrees/<name>` whose `gitdir` file names `<worktree>/.git`,
 * read from the repository (git names it after the worktree's directory, so that one is tried first).
 */
export async function findAdminDir(commonDir: string, worktree: string): Promise<string | null> {
  const parent = path.join(commonDir, 'worktrees');
  const target = realpathOr(worktree);
  const names = await readdir(parent).catch(() => [] as string[]);
  const base = path.basename(worktree);
  names.sort((a, b) => Number(b === base) - Number(a === base));
  for (const name of names) {
    const admin = path.join(parent, name);
    const pointer = await readFile(path.join(admin, 'gitdir'), 'utf8').catch(() => null);
    if (pointer === null) continue;
    const gitfile = path.resolve(admin, pointer.trim());
    if (path.basename(gitfile) === '.git' && realpathOr(path.dirname(gitfile)) === target) return realpathOr(admin);
  }
  return null;
}

/** Replaces `file` (even a symlink, never written through) with `content`, atomically. */
async function replaceFile(file: string, content: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.swarm-${path.basename(file)}-${randomBytes(6).toString('hex')}`);
  await writeFile(temp, content, { flag: 'wx' });
  try {
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new RepoError(`cannot restore ${file}: ${(err as Error).message}`);
  }
}

/**
 * Makes `<worktree>/.git` a gitfile naming `adminDir` again, and `adminDir/gitdir` name it back.
 * Returns whether anything had to be repaired; a `.git` directory (a repository the agent made) is
 * refused rather than deleted.
 */
export async function restoreGitfile(workTree: string, adminDir: string): Promise<boolean> {
  const gitfile = path.join(workTree, '.git');
  let repaired = false;
  const stat = await lstat(gitfile).catch(() => null);
  if (stat?.isDirectory())
    throw new RepoError(`${gitfile} is a directory, not the worktree's gitfile: the worktree was tampered with`);
  const content = stat?.isFile() ? await readFile(gitfile, 'utf8') : null;
  const named = content?.match(/^gitdir: ([^\n]+)\s*$/)?.[1];
  if (!named || realpathOr(path.resolve(workTree, named.trim())) !== realpathOr(adminDir)) {
    await replaceFile(gitfile, `gitdir: ${adminDir}\n`);
    repaired = true;
  }
  const back = path.join(adminDir, 'gitdir');
  const backStat = await lstat(back).catch(() => null);
  const pointer = backStat?.isFile() ? (await readFile(back, 'utf8')).trim() : '';
  if (!pointer || realpathOr(path.resolve(adminDir, pointer)) !== realpathOr(gitfile)) {
    await replaceFile(back, `${gitfile}\n`);
    repaired = true;
  }
  return repaired;
}

/**
 * Before the worker writes to the task branch: the gitfile is restored, git (run with the explicit
 * git dir and work tree) sees exactly that worktree and git dir, and HEAD is the task branch, so a
 * commit can land nowhere else.
 */
export async function verifyWorktree(wt: WorktreeGit, ctx: GitContext): Promise<void> {
  await restoreGitfile(wt.workTree, wt.gitDir);
  const [top, gitDir] = (await runGit(ctx, ['rev-parse', '--show-toplevel', '--absolute-git-dir'])).split('\n');
  if (realpathOr(top ?? '') !== wt.workTree || realpathOr(gitDir ?? '') !== wt.gitDir) {
    throw new RepoError(
      `worktree ${wt.path} resolves to ${top} with git dir ${gitDir}, not ${wt.workTree} with ${wt.gitDir}`,
    );
  }
  const head = await runGitMaybe(ctx, ['symbolic-ref', '--quiet', 'HEAD']);
  if (head !== `refs/heads/${wt.branch}`) {
    throw new RepoError(
      `worktree ${wt.path} has ${head ?? 'a detached HEAD'} checked out, not refs/heads/${wt.branch}: refusing to commit there`,
    );
  }
}
