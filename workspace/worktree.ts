import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { gitMaybe } from './git.js';
import {
  checkoutContext,
  forgetWorktree,
  openRepo,
  realpathOr,
  registeredWorktree,
  registerWorktree,
  repoContext,
  worktreeContext,
  type RepoGit,
  type WorktreeGit,
} from './git-bindings.js';
import { withoutRepoDrivers } from './git-drivers.js';
import { GitError, runGit, runGitMaybe, type GitContext } from './git-run.js';
import { baseRef, ensureCommit, fetchMirror, openMirror, pushBranch } from './mirror.js';
import type { RemoteAccess } from './remote-access.js';
import { RemoteUnavailableError } from './remote-error.js';
import { RepoError } from './repo-error.js';
import { lockRepo } from './mirror-lock.js';
import { parseRepoLocation } from '../tasks/repo-location.js';
import { findAdminDir, restoreGitfile, verifyWorktree } from './worktree-guard.js';

export { RepoError } from './repo-error.js';

// Every git here runs with an explicit git dir and work tree (git-bindings.ts): on the user's
// repository as resolved from its path, on a task worktree as registered by prepareWorktree.

/** Absolute top-level path of the git repository containing `repoPath`. */
export async function resolveRepo(repoPath: string): Promise<string> {
  const absolute = path.resolve(repoPath);
  if (!existsSync(absolute)) throw new RepoError(`repo ${absolute} does not exist`);
  // Git would be spawned there: a file, a device or a FIFO gives a bare `spawn ENOTDIR`.
  if (!statSync(absolute).isDirectory()) throw new RepoError(`repo ${absolute} is not a directory`);
  const top = await gitMaybe(absolute, ['rev-parse', '--show-toplevel'], { discover: true });
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

const branchShaIn = (ctx: GitContext, branch: string) =>
  runGitMaybe(ctx, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);

/** The base branch's commit: the local branch, or in a mirror the remote's as last fetched. */
export async function requireBranchIn(ctx: GitContext, repo: RepoGit, branch: string): Promise<string> {
  const sha = await runGitMaybe(ctx, ['rev-parse', '--verify', '--quiet', `${baseRef(repo, branch)}^{commit}`]);
  if (!sha) throw new RepoError(`${repo.remote ? 'remote' : 'repo'} ${repo.path} has no branch "${branch}"`);
  return sha;
}

/** The task branch as last pushed to (or fetched from) the remote; null locally or when never pushed. */
const pushedShaIn = (ctx: GitContext, repo: RepoGit, branch: string) =>
  repo.remote
    ? runGitMaybe(ctx, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}^{commit}`])
    : Promise.resolve(null);

export async function isAncestor(ctx: GitContext, ancestor: string, descendant: string): Promise<boolean> {
  return (await runGitMaybe(ctx, ['merge-base', '--is-ancestor', ancestor, descendant])) !== null;
}

/**
 * The task's repository, pinned, with its own drivers neutralised: the user's clone for a local
 * path, this worker's mirror for a remote URL (which needs `remote`, the worker's remote access).
 */
export async function repoGit(repoPath: string, remote?: RemoteAccess): Promise<{ repo: RepoGit; ctx: GitContext }> {
  const location = parseRepoLocation(repoPath);
  let repo: RepoGit;
  if (location.kind === 'remote') {
    if (!remote) throw new RepoError(`${location.url} is a remote repository, and this process has no mirrors dir`);
    repo = await openMirror(location.url, remote);
  } else repo = await openRepo(repoPath);
  return { repo, ctx: await withoutRepoDrivers(repoContext(repo)) };
}

/** Fetches a mirror under its lock (nothing for a local repository). */
export async function refreshRepo(repo: RepoGit): Promise<void> {
  if (!repo.remote) return;
  const askedAt = process.hrtime.bigint();
  await lockRepo(repo, () => fetchMirror(repo, askedAt));
}

/**
 * A mirror's task branch goes to the remote (forced, with a lease on what was pushed before) when
 * HEAD is not what the remote holds: every checkpoint is pushed before it is reported. Nothing locally.
 */
export async function publishTaskBranch(wt: WorktreeGit, ctx: GitContext): Promise<void> {
  if (!wt.repo.remote) return;
  const head = await runGit(ctx, ['rev-parse', 'HEAD']);
  await lockRepo(wt.repo, async () => {
    const pushed = await pushedShaIn(ctx, wt.repo, wt.branch);
    if (pushed === head) return;
    if ((await pushBranch(wt.repo, head, wt.branch, pushed)) === 'moved') {
      throw new RemoteUnavailableError(
        `${wt.branch} moved on ${wt.repo.path} since this worker fetched it (another worker pushed it): retrying from the remote's state`,
      );
    }
  });
}

interface Checkout {
  path: string;
  branch: string | null;
  /** The repository's main working tree (its git dir is the common dir). */
  main: boolean;
}

/** The repository's checkouts (worktree list), the main one first. */
async function checkouts(ctx: GitContext): Promise<Checkout[]> {
  const porcelain = await runGit(ctx, ['worktree', 'list', '--porcelain']);
  const list: Checkout[] = [];
  for (const line of porcelain.split('\n')) {
    if (line.startsWith('worktree '))
      list.push({ path: line.slice('worktree '.length), branch: null, main: list.length === 0 });
    else if (line.startsWith('branch refs/heads/') && list.length > 0)
      list[list.length - 1]!.branch = line.slice('branch refs/heads/'.length);
  }
  return list;
}

/**
 * The task worktree at `worktreePath`, its private git dir found from the repository; verified
 * (gitfile restored, HEAD on `branch`) and registered, so every later git there is pinned to it.
 */
async function bindWorktree(
  repo: RepoGit,
  worktreePath: string,
  branch: string,
): Promise<{ wt: WorktreeGit; ctx: GitContext }> {
  const workTree = realpathOr(worktreePath);
  const known = registeredWorktree(worktreePath);
  const gitDir =
    known && known.repo.commonDir === repo.commonDir && existsSync(known.gitDir)
      ? known.gitDir
      : await findAdminDir(repo.commonDir, workTree);
  if (!gitDir) throw new RepoError(`worktree ${worktreePath} is not registered in ${repo.commonDir}`);
  const wt: WorktreeGit = { repo, path: path.resolve(worktreePath), workTree, gitDir, branch };
  const ctx = await withoutRepoDrivers(worktreeContext(wt));
  await verifyWorktree(wt, ctx);
  registerWorktree(wt);
  return { wt, ctx };
}

/** A worktree prepareWorktree registered in this process (of `repo` when given), verified. */
export async function openWorktree(worktree: string, repoPath?: string): Promise<{ wt: WorktreeGit; ctx: GitContext }> {
  const wt = registeredWorktree(worktree);
  if (!wt) throw new RepoError(`${worktree} is not a task worktree this worker prepared; refusing to run git there`);
  if (repoPath !== undefined) {
    const location = parseRepoLocation(repoPath);
    const same =
      location.kind === 'remote'
        ? wt.repo.remote?.url === location.url
        : !wt.repo.remote && (await openRepo(repoPath)).commonDir === wt.repo.commonDir;
    if (!same) throw new RepoError(`worktree ${worktree} belongs to ${wt.repo.path}, not ${repoPath}`);
  }
  const ctx = await withoutRepoDrivers(worktreeContext(wt));
  await verifyWorktree(wt, ctx);
  return { wt, ctx };
}

/** Restores the gitfile of an existing worktree directory, so `git worktree prune` does not drop it. */
async function repairBeforePrune(repo: RepoGit, worktreePath: string): Promise<void> {
  if (!existsSync(worktreePath)) return;
  const known = registeredWorktree(worktreePath);
  const adminDir =
    known?.repo.commonDir === repo.commonDir ? known.gitDir : await findAdminDir(repo.commonDir, worktreePath);
  if (adminDir && existsSync(adminDir)) await restoreGitfile(realpathOr(worktreePath), adminDir);
}

export interface PreparedWorktree {
  worktreePath: string;
  baseSha: string;
  headSha: string;
  reused: boolean;
}

/**
 * Creates the task's worktree on `branch` from `baseBranch`, or reuses it when a previous run
 * (a retried activity, a crashed worker) already made it. For a remote, the mirror is fetched first
 * and the task branch is what the remote holds (every reported checkpoint was pushed there): a
 * worker with an empty disk resumes from it, and one whose branch went further without pushing (a
 * crash between commit and push) goes back to it.
 */
export async function prepareWorktree(opts: {
  repo: string;
  baseBranch: string;
  branch: string;
  worktreePath: string;
  /** The worker's remote access; needed when `repo` is a URL. */
  remote?: RemoteAccess;
}): Promise<PreparedWorktree> {
  const { repo, ctx } = await repoGit(opts.repo, opts.remote);
  if (repo.remote) return prepareFromMirror(repo, ctx, opts);
  const baseSha = await requireBranchIn(ctx, repo, opts.baseBranch);
  return lockRepo(repo, async () => {
    await repairBeforePrune(repo, opts.worktreePath);
    // Forget worktrees whose directories are gone (a crashed worker, a cleaned tmp) before looking.
    await runGit(ctx, ['worktree', 'prune']);
    const existing = (await checkouts(ctx)).find((c) => c.branch === opts.branch)?.path;
    if (existing && realpathOr(existing) === realpathOr(opts.worktreePath) && existsSync(existing)) {
      const { ctx: wtCtx } = await bindWorktree(repo, opts.worktreePath, opts.branch);
      return { worktreePath: existing, baseSha, headSha: await runGit(wtCtx, ['rev-parse', 'HEAD']), reused: true };
    }
    if (existing) throw new RepoError(`branch ${opts.branch} is already checked out at ${existing}`);
    await mkdir(path.dirname(opts.worktreePath), { recursive: true });
    const branchExists = (await branchShaIn(ctx, opts.branch)) !== null;
    await runGit(
      ctx,
      branchExists
        ? ['worktree', 'add', opts.worktreePath, opts.branch]
        : ['worktree', 'add', '-b', opts.branch, opts.worktreePath, opts.baseBranch],
    );
    const { ctx: wtCtx } = await bindWorktree(repo, opts.worktreePath, opts.branch);
    return {
      worktreePath: opts.worktreePath,
      baseSha,
      headSha: await runGit(wtCtx, ['rev-parse', 'HEAD']),
      reused: branchExists,
    };
  });
}

async function prepareFromMirror(
  repo: RepoGit,
  ctx: GitContext,
  opts: { baseBranch: string; branch: string; worktreePath: string },
): Promise<PreparedWorktree> {
  const askedAt = process.hrtime.bigint();
  return lockRepo(repo, async () => {
    await fetchMirror(repo, askedAt);
    const baseSha = await requireBranchIn(ctx, repo, opts.baseBranch);
    const pushed = await pushedShaIn(ctx, repo, opts.branch);
    await repairBeforePrune(repo, opts.worktreePath);
    await runGit(ctx, ['worktree', 'prune']);
    const existing = (await checkouts(ctx)).find((c) => c.branch === opts.branch)?.path;
    if (existing && realpathOr(existing) === realpathOr(opts.worktreePath) && existsSync(existing)) {
      const { ctx: wtCtx } = await bindWorktree(repo, opts.worktreePath, opts.branch);
      let headSha = await runGit(wtCtx, ['rev-parse', 'HEAD']);
      if (pushed && headSha !== pushed) {
        await runGit(wtCtx, ['reset', '--quiet', '--hard', pushed]);
        await runGit(wtCtx, ['clean', '--quiet', '-fd']);
        headSha = pushed;
      }
      return { worktreePath: existing, baseSha, headSha, reused: true };
    }
    if (existing) throw new RepoError(`branch ${opts.branch} is already checked out at ${existing}`);
    await mkdir(path.dirname(opts.worktreePath), { recursive: true });
    const local = await branchShaIn(ctx, opts.branch);
    if (pushed && local !== pushed) await runGit(ctx, ['branch', '--force', '--no-track', opts.branch, pushed]);
    await runGit(
      ctx,
      pushed || local
        ? ['worktree', 'add', opts.worktreePath, opts.branch]
        : ['worktree', 'add', '--no-track', '-b', opts.branch, opts.worktreePath, baseSha],
    );
    const { ctx: wtCtx } = await bindWorktree(repo, opts.worktreePath, opts.branch);
    return {
      worktreePath: opts.worktreePath,
      baseSha,
      headSha: await runGit(wtCtx, ['rev-parse', 'HEAD']),
      reused: pushed !== null || local !== null,
    };
  });
}

/**
 * Commits everything in the worktree on its task branch; null when there was nothing to commit.
 * For a remote, the branch is pushed before this returns (also when an earlier try committed it).
 */
export async function commitAll(worktree: string, message: string): Promise<{ sha: string; files: string[] } | null> {
  const { wt, ctx } = await openWorktree(worktree);
  await runGit(ctx, ['add', '--all']);
  // -z: names verbatim (no quoting of non-ASCII); --no-renames: both sides of a rename are listed.
  const staged = (await runGit(ctx, ['diff', '--cached', '--name-only', '--no-renames', '-z']))
    .split('\0')
    .filter(Boolean);
  if (staged.length > 0) await runGit(ctx, ['commit', '--quiet', '--no-verify', '-m', message]);
  await publishTaskBranch(wt, ctx);
  if (staged.length === 0) return null;
  return { sha: await runGit(ctx, ['rev-parse', 'HEAD']), files: staged };
}

/** A commit that resetToCheckpoint dropped from the task branch, with the values of the trailer asked about. */
export interface DroppedCommit {
  sha: string;
  trailers: string[];
}

/**
 * Puts the task branch and its worktree back at `checkpoint`, a commit the branch reached: the
 * branch's commits after it are dropped, and so are uncommitted changes and untracked files (ignored
 * ones stay). Returns the dropped commits, newest first, with their `trailerKey` trailer values.
 */
export async function resetToCheckpoint(
  worktree: string,
  checkpoint: string,
  trailerKey: string,
): Promise<DroppedCommit[]> {
  const { wt, ctx } = await openWorktree(worktree);
  if (wt.repo.remote && /^[0-9a-f]{40}$/.test(checkpoint))
    await lockRepo(wt.repo, () => ensureCommit(wt.repo, ctx, checkpoint));
  const sha = await runGitMaybe(ctx, ['rev-parse', '--verify', '--quiet', `${checkpoint}^{commit}`]);
  if (!sha) throw new RepoError(`checkpoint ${checkpoint} of ${wt.branch} is not a commit in ${wt.repo.path}`);
  const log = await runGit(ctx, ['log', '-z', `--format=%H%n%(trailers:key=${trailerKey},valueonly)`, `${sha}..HEAD`]);
  const dropped = log
    .split('\0')
    .filter(Boolean)
    .map((entry) => {
      const [commit = '', ...trailers] = entry.split('\n').filter(Boolean);
      return { sha: commit, trailers };
    });
  await runGit(ctx, ['reset', '--quiet', '--hard', sha]);
  await runGit(ctx, ['clean', '--quiet', '-fd']);
  // The remote must not keep the dropped commits: a successor would resume from them.
  await publishTaskBranch(wt, ctx);
  return dropped;
}

export type SyncOutcome =
  { status: 'up_to_date' } | { status: 'updated'; baseSha: string } | { status: 'conflict'; files: string[] };

/** Brings the base branch's new commits into the task branch, aborting cleanly on conflict. */
export async function syncWithBase(worktree: string, repo: string, baseBranch: string): Promise<SyncOutcome> {
  const { wt, ctx } = await openWorktree(worktree, repo);
  await refreshRepo(wt.repo);
  const baseSha = await requireBranchIn(ctx, wt.repo, baseBranch);
  if (await isAncestor(ctx, baseSha, 'HEAD')) return { status: 'up_to_date' };
  try {
    await runGit(ctx, [
      'merge',
      '--no-edit',
      '--no-verify',
      '--no-stat',
      '-m',
      `swarm: update from ${baseBranch}`,
      baseSha,
    ]);
    await publishTaskBranch(wt, ctx);
    return { status: 'updated', baseSha };
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const conflicted = await runGit(ctx, ['diff', '--name-only', '--diff-filter=U']).catch(() => '');
    await runGitMaybe(ctx, ['merge', '--abort']);
    if (!conflicted) throw err;
    return { status: 'conflict', files: conflicted.split('\n') };
  }
}

export type LandOutcome = { status: 'merged'; mergeCommit: string | null } | { status: 'base_moved' };

/** Where `checkout` (another checkout of the repository) keeps its git dir, found from the repository. */
async function checkoutGit(repo: RepoGit, checkout: Checkout): Promise<GitContext> {
  const gitDir = checkout.main ? repo.commonDir : await findAdminDir(repo.commonDir, checkout.path);
  if (!gitDir) throw new RepoError(`cannot find the git dir of ${checkout.path} in ${repo.commonDir}`);
  return withoutRepoDrivers(checkoutContext(repo, realpathOr(checkout.path), gitDir));
}

/**
 * Lands the task branch on the base branch as a merge commit. The base ref only moves if it still
 * points where the merge was computed from (compare-and-swap), so concurrent tasks never clobber each
 * other. When the base branch is checked out somewhere (e.g. the user's own clone), that working tree
 * is fast-forwarded instead, keeping it consistent with its ref. This is the only write to the user's
 * repository besides the task branch's own commits.
 */
export async function landOnBase(opts: {
  repo: string;
  worktree: string;
  baseBranch: string;
  message: string;
}): Promise<LandOutcome> {
  const { wt, ctx } = await openWorktree(opts.worktree, opts.repo);
  const repoCtx = await withoutRepoDrivers(repoContext(wt.repo));
  await refreshRepo(wt.repo);
  const head = await runGit(ctx, ['rev-parse', 'HEAD']);
  const baseSha = await requireBranchIn(repoCtx, wt.repo, opts.baseBranch);
  const landed = await findLandingMerge(repoCtx, baseSha, head);
  if (landed !== undefined) return { status: 'merged', mergeCommit: landed };
  if (!(await isAncestor(ctx, baseSha, head))) return { status: 'base_moved' };
  if (head === baseSha) return { status: 'merged', mergeCommit: null };

  const tree = await runGit(ctx, ['rev-parse', 'HEAD^{tree}']);
  const merge = await runGit(ctx, ['commit-tree', tree, '-p', baseSha, '-p', head, '-m', opts.message]);
  const moved = await advanceRepoBase(wt.repo, repoCtx, opts.baseBranch, baseSha, merge, opts.message);
  return moved === 'moved' ? { status: 'merged', mergeCommit: merge } : { status: 'base_moved' };
}

/**
 * Moves the base branch from `expected` to `target` (a descendant), only if it still points at
 * `expected` (compare-and-swap). When the base branch is checked out somewhere (e.g. the user's own
 * clone), that working tree is fast-forwarded instead, keeping it consistent with its ref.
 */
export async function advanceBase(
  repoPath: string,
  baseBranch: string,
  expected: string,
  target: string,
  message: string,
  remote?: RemoteAccess,
): Promise<'moved' | 'base_moved'> {
  const { repo, ctx } = await repoGit(repoPath, remote);
  return advanceRepoBase(repo, ctx, baseBranch, expected, target, message);
}

/**
 * advanceBase() on an opened repository. A mirror pushes `target` to the remote's base branch with
 * `--force-with-lease=refs/heads/<base>:<expected>`: the remote's compare-and-swap; nothing writes
 * a local clone.
 */
async function advanceRepoBase(
  repo: RepoGit,
  repoCtx: GitContext,
  baseBranch: string,
  expected: string,
  target: string,
  message: string,
): Promise<'moved' | 'base_moved'> {
  if (repo.remote) {
    return lockRepo(repo, async () =>
      (await pushBranch(repo, target, baseBranch, expected)) === 'pushed' ? 'moved' : 'base_moved',
    );
  }
  const checkout = (await lockRepo(repo, () => checkouts(repoCtx))).find((c) => c.branch === baseBranch);
  if (checkout) {
    const checkoutCtx = await checkoutGit(repo, checkout);
    const checkedOutHead = await runGit(checkoutCtx, ['rev-parse', 'HEAD']);
    if (checkedOutHead !== expected) return 'base_moved';
    try {
      await runGit(checkoutCtx, ['merge', '--ff-only', '--quiet', '--no-stat', target]);
    } catch (err) {
      if ((await runGit(checkoutCtx, ['rev-parse', 'HEAD'])) !== expected) return 'base_moved';
      throw new RepoError(
        `cannot fast-forward ${baseBranch} checked out at ${checkout.path}: ${(err as Error).message}`,
      );
    }
    return 'moved';
  }
  const swapped = await runGitMaybe(repoCtx, [
    'update-ref',
    '-m',
    message,
    `refs/heads/${baseBranch}`,
    target,
    expected,
  ]);
  return swapped === null ? 'base_moved' : 'moved';
}

/**
 * When a previous run already landed `head` (and then crashed before reporting it), returns that
 * merge commit; a head already contained in base without a merge commit yields null.
 */
export async function findLandingMerge(
  ctx: GitContext,
  baseSha: string,
  head: string,
): Promise<string | null | undefined> {
  if (baseSha === head || !(await isAncestor(ctx, head, baseSha))) return undefined;
  const merges = await runGit(ctx, ['rev-list', '--merges', '--parents', '-n', '200', baseSha]);
  for (const line of merges.split('\n')) {
    const [sha, , second] = line.split(' ');
    if (second === head) return sha ?? null;
  }
  return null;
}

export async function removeWorktree(repo: string, worktreePath: string, remote?: RemoteAccess): Promise<void> {
  const { repo: r, ctx } = await repoGit(repo, remote);
  await lockRepo(r, async () => {
    if (existsSync(worktreePath)) {
      try {
        await repairBeforePrune(r, worktreePath);
        await runGit(ctx, ['worktree', 'remove', '--force', worktreePath]);
      } catch (err) {
        // A worktree too damaged for git to remove (its .git made a directory) is deleted as a directory.
        if (!(err instanceof RepoError || err instanceof GitError)) throw err;
        await rm(worktreePath, { recursive: true, force: true });
      }
    }
    await runGit(ctx, ['worktree', 'prune']);
  });
  forgetWorktree(worktreePath);
}

/**
 * Runs `fn` in a temporary detached checkout of `commit` (under `parentDir`), removed afterwards.
 * From a mirror, a commit it lacks (made by another worker) is fetched first.
 */
export async function withDetachedCheckout<T>(
  repo: string,
  commit: string,
  parentDir: string,
  fn: (dir: string) => Promise<T>,
  remote?: RemoteAccess,
): Promise<T> {
  const { repo: r, ctx } = await repoGit(repo, remote);
  if (r.remote) await lockRepo(r, () => ensureCommit(r, ctx, commit));
  await mkdir(parentDir, { recursive: true });
  const dir = await mkdtemp(path.join(parentDir, 'checkout-'));
  await lockRepo(r, () => runGit(ctx, ['worktree', 'add', '--detach', '--force', dir, commit]));
  try {
    return await fn(dir);
  } finally {
    await lockRepo(r, async () => {
      await runGit(ctx, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await runGit(ctx, ['worktree', 'prune']).catch(() => undefined);
    });
  }
}
