import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { git, gitMaybe, GitError } from './git.js';

export class RepoError extends Error {
  override name = 'RepoError';
}

/** Absolute top-level path of the git repository containing `repoPath`. */
export async function resolveRepo(repoPath: string): Promise<string> {
  const absolute = path.resolve(repoPath);
  if (!existsSync(absolute)) throw new RepoError(`repo ${absolute} does not exist`);
  const top = await gitMaybe(absolute, ['rev-parse', '--show-toplevel']);
  if (!top) throw new RepoError(`repo ${absolute} is not a git repository`);
  return top;
}

export async function currentBranch(repo: string): Promise<string> {
  const name = await gitMaybe(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (!name) throw new RepoError(`repo ${repo} has a detached HEAD: name the base branch explicitly`);
  return name;
}

export async function branchSha(repo: string, branch: string): Promise<string | null> {
  return gitMaybe(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
}

export async function requireBranch(repo: string, branch: string): Promise<string> {
  const sha = await branchSha(repo, branch);
  if (!sha) throw new RepoError(`repo ${repo} has no branch "${branch}"`);
  return sha;
}

async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await gitMaybe(cwd, ['merge-base', '--is-ancestor', ancestor, descendant])) !== null;
}

/** Worktrees of the repo, keyed by the branch they have checked out. */
async function worktreesByBranch(repo: string): Promise<Map<string, string>> {
  const porcelain = await git(repo, ['worktree', 'list', '--porcelain']);
  const map = new Map<string, string>();
  let current: string | undefined;
  for (const line of porcelain.split('\n')) {
    if (line.startsWith('worktree ')) current = line.slice('worktree '.length);
    else if (line.startsWith('branch refs/heads/') && current) map.set(line.slice('branch refs/heads/'.length), current);
  }
  return map;
}

export interface PreparedWorktree {
  worktreePath: string;
  baseSha: string;
  headSha: string;
  reused: boolean;
}

/**
 * Creates the task's worktree on `branch` from `baseBranch`, or reuses it when a previous run
 * (a retried activity, a crashed worker) already made it.
 */
export async function prepareWorktree(opts: { repo: string; baseBranch: string; branch: string; worktreePath: string }): Promise<PreparedWorktree> {
  const baseSha = await requireBranch(opts.repo, opts.baseBranch);
  // Forget worktrees whose directories are gone (a crashed worker, a cleaned tmp) before looking.
  await git(opts.repo, ['worktree', 'prune']);
  const checkedOut = await worktreesByBranch(opts.repo);
  const existing = checkedOut.get(opts.branch);
  if (existing && path.resolve(existing) === path.resolve(opts.worktreePath) && existsSync(existing)) {
    return { worktreePath: existing, baseSha, headSha: await git(existing, ['rev-parse', 'HEAD']), reused: true };
  }
  if (existing) throw new RepoError(`branch ${opts.branch} is already checked out at ${existing}`);
  await mkdir(path.dirname(opts.worktreePath), { recursive: true });
  const branchExists = (await branchSha(opts.repo, opts.branch)) !== null;
  await git(
    opts.repo,
    branchExists
      ? ['worktree', 'add', opts.worktreePath, opts.branch]
      : ['worktree', 'add', '-b', opts.branch, opts.worktreePath, opts.baseBranch],
  );
  return { worktreePath: opts.worktreePath, baseSha, headSha: await git(opts.worktreePath, ['rev-parse', 'HEAD']), reused: branchExists };
}

/** Commits everything in the worktree; null when there was nothing to commit. */
export async function commitAll(worktree: string, message: string): Promise<{ sha: string; files: string[] } | null> {
  await git(worktree, ['add', '--all']);
  // -z: names verbatim (no quoting of non-ASCII); --no-renames: both sides of a rename are listed.
  const staged = (await git(worktree, ['diff', '--cached', '--name-only', '--no-renames', '-z'])).split('\0').filter(Boolean);
  if (staged.length === 0) return null;
  await git(worktree, ['commit', '--quiet', '--no-verify', '-m', message]);
  return { sha: await git(worktree, ['rev-parse', 'HEAD']), files: staged };
}

export type SyncOutcome = { status: 'up_to_date' } | { status: 'updated'; baseSha: string } | { status: 'conflict'; files: string[] };

/** Brings the base branch's new commits into the task branch, aborting cleanly on conflict. */
export async function syncWithBase(worktree: string, repo: string, baseBranch: string): Promise<SyncOutcome> {
  const baseSha = await requireBranch(repo, baseBranch);
  if (await isAncestor(worktree, baseSha, 'HEAD')) return { status: 'up_to_date' };
  try {
    await git(worktree, ['merge', '--no-edit', '--no-verify', '-m', `swarm: update from ${baseBranch}`, baseSha]);
    return { status: 'updated', baseSha };
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const conflicted = await git(worktree, ['diff', '--name-only', '--diff-filter=U']).catch(() => '');
    await gitMaybe(worktree, ['merge', '--abort']);
    if (!conflicted) throw err;
    return { status: 'conflict', files: conflicted.split('\n') };
  }
}

export type LandOutcome = { status: 'merged'; mergeCommit: string | null } | { status: 'base_moved' };

/**
 * Lands the task branch on the base branch as a merge commit. The base ref only moves if it still
 * points where the merge was computed from (compare-and-swap), so concurrent tasks never clobber each
 * other. When the base branch is checked out somewhere (e.g. the user's own clone), that working tree
 * is fast-forwarded instead, keeping it consistent with its ref.
 */
export async function landOnBase(opts: { repo: string; worktree: string; baseBranch: string; message: string }): Promise<LandOutcome> {
  const head = await git(opts.worktree, ['rev-parse', 'HEAD']);
  const baseSha = await requireBranch(opts.repo, opts.baseBranch);
  const landed = await findLandingMerge(opts.repo, baseSha, head);
  if (landed !== undefined) return { status: 'merged', mergeCommit: landed };
  if (!(await isAncestor(opts.worktree, baseSha, head))) return { status: 'base_moved' };
  if (head === baseSha) return { status: 'merged', mergeCommit: null };

  const tree = await git(opts.worktree, ['rev-parse', 'HEAD^{tree}']);
  const merge = await git(opts.worktree, ['commit-tree', tree, '-p', baseSha, '-p', head, '-m', opts.message]);
  const checkedOutAt = (await worktreesByBranch(opts.repo)).get(opts.baseBranch);
  if (checkedOutAt) {
    const checkedOutHead = await git(checkedOutAt, ['rev-parse', 'HEAD']);
    if (checkedOutHead !== baseSha) return { status: 'base_moved' };
    try {
      await git(checkedOutAt, ['merge', '--ff-only', '--quiet', merge]);
    } catch (err) {
      if ((await git(checkedOutAt, ['rev-parse', 'HEAD'])) !== baseSha) return { status: 'base_moved' };
      throw new RepoError(`cannot fast-forward ${opts.baseBranch} checked out at ${checkedOutAt}: ${(err as Error).message}`);
    }
  } else {
    const swapped = await gitMaybe(opts.repo, ['update-ref', '-m', opts.message, `refs/heads/${opts.baseBranch}`, merge, baseSha]);
    if (swapped === null) return { status: 'base_moved' };
  }
  return { status: 'merged', mergeCommit: merge };
}

/**
 * When a previous run already landed `head` (and then crashed before reporting it), returns that
 * merge commit; a head already contained in base without a merge commit yields null.
 */
async function findLandingMerge(repo: string, baseSha: string, head: string): Promise<string | null | undefined> {
  if (baseSha === head || !(await isAncestor(repo, head, baseSha))) return undefined;
  const merges = await git(repo, ['rev-list', '--merges', '--parents', '-n', '200', baseSha]);
  for (const line of merges.split('\n')) {
    const [sha, , second] = line.split(' ');
    if (second === head) return sha ?? null;
  }
  return null;
}

export async function removeWorktree(repo: string, worktreePath: string): Promise<void> {
  if (existsSync(worktreePath)) await git(repo, ['worktree', 'remove', '--force', worktreePath]);
  await git(repo, ['worktree', 'prune']);
}

/** Runs `fn` in a temporary detached checkout of `commit` (under `parentDir`), removed afterwards. */
export async function withDetachedCheckout<T>(repo: string, commit: string, parentDir: string, fn: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(parentDir, { recursive: true });
  const dir = await mkdtemp(path.join(parentDir, 'checkout-'));
  await git(repo, ['worktree', 'add', '--detach', '--force', dir, commit]);
  try {
    return await fn(dir);
  } finally {
    await git(repo, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await git(repo, ['worktree', 'prune']).catch(() => undefined);
  }
}
