import type { RepoGit } from './git-bindings.js';
import { runGit, runGitMaybe, runGitWithCode, type GitContext } from './git-run.js';
import { RepoError } from './repo-error.js';
import { baseRef, ensureCommit, pushBranch } from './mirror.js';
import type { RemoteAccess } from './remote-access.js';
import { lockRepo } from './mirror-lock.js';
import { findLandingMerge, isAncestor, refreshRepo, repoGit, requireBranchIn } from './worktree.js';

/** One queued branch head to merge onto the base, with the message of its merge commit. */
export interface BatchHead {
  key: string;
  head: string;
  message: string;
}

export type CombinedHead =
  /** Merged into the combined commit; `mergeCommit` is its own merge commit in the chain. */
  | { key: string; status: 'combined'; mergeCommit: string }
  /** The base already contains it (a landing whose report was lost). */
  | { key: string; status: 'already_merged'; mergeCommit: string | null }
  /** It conflicts with the base itself: `baseCommits` are the base's commits since its fork point touching `files`. */
  | { key: string; status: 'conflict'; files: string[]; baseCommits: string[] }
  /** It conflicts only with an earlier head of this batch: it waits for a later batch on the new base. */
  | { key: string; status: 'deferred'; files: string[] };

export interface CombinedBatch {
  baseSha: string;
  /** The combined commit (the base when nothing combined). */
  tip: string;
  heads: CombinedHead[];
}

/** Merges `head` onto `onto` without a worktree; the tree, or the conflicted files. */
async function mergeTree(
  ctx: GitContext,
  onto: string,
  head: string,
): Promise<{ tree: string; conflicts: null } | { tree: null; conflicts: string[] }> {
  const { code, stdout } = await runGitWithCode(ctx, [
    'merge-tree',
    '--write-tree',
    '--name-only',
    '--no-messages',
    onto,
    head,
  ]);
  const [tree = '', ...files] = stdout.split('\n');
  if (code === 0) return { tree, conflicts: null };
  if (code === 1) return { tree: null, conflicts: [...new Set(files.filter(Boolean))] };
  throw new RepoError(`git merge-tree ${onto} ${head} exited ${code}`);
}

/** The base's commits since `head` forked from it that touch `files`, newest first. */
export async function baseCommitsTouching(ctx: GitContext, baseSha: string, head: string, files: string[]) {
  const fork = await runGitMaybe(ctx, ['merge-base', baseSha, head]);
  const range = fork ? `${fork}..${baseSha}` : baseSha;
  const log = await runGit(ctx, ['log', '--format=%H', range, '--', ...files]);
  return log.split('\n').filter(Boolean);
}

/**
 * The batch's combined commit: the base tip, then each head merged in order as its own merge commit
 * (first parent the previous one), built with `git merge-tree` so no worktree is touched. A head
 * that conflicts with the base is reported with the files and the base commits that caused it; one
 * that conflicts only with an earlier head of the batch is deferred.
 */
export async function combineOnBase(
  repoPath: string,
  baseBranch: string,
  heads: BatchHead[],
  remote?: RemoteAccess,
): Promise<CombinedBatch> {
  const { repo, ctx } = await repoGit(repoPath, remote);
  await refreshRepo(repo);
  const baseSha = await requireBranchIn(ctx, repo, baseBranch);
  for (const { head } of heads) {
    if ((await runGitMaybe(ctx, ['cat-file', '-e', `${head}^{commit}`])) === null)
      throw new RepoError(`${repo.path} has no commit ${head} (a queued task's head was never pushed)`);
  }
  let tip = baseSha;
  const results: CombinedHead[] = [];
  for (const { key, head, message } of heads) {
    const landed = await findLandingMerge(ctx, baseSha, head);
    if (landed !== undefined) {
      results.push({ key, status: 'already_merged', mergeCommit: landed });
      continue;
    }
    if (await isAncestor(ctx, head, tip)) {
      results.push({ key, status: 'already_merged', mergeCommit: null });
      continue;
    }
    const merged = await mergeTree(ctx, tip, head);
    if (merged.tree !== null) {
      tip = await runGit(ctx, ['commit-tree', merged.tree, '-p', tip, '-p', head, '-m', message]);
      results.push({ key, status: 'combined', mergeCommit: tip });
      continue;
    }
    const alone = tip === baseSha ? merged : await mergeTree(ctx, baseSha, head);
    if (alone.conflicts) {
      const files = alone.conflicts;
      results.push({
        key,
        status: 'conflict',
        files,
        baseCommits: await baseCommitsTouching(ctx, baseSha, head, files),
      });
    } else results.push({ key, status: 'deferred', files: merged.conflicts });
  }
  await publishBatchTip(repo, ctx, baseBranch, tip);
  return { baseSha, tip, heads: results };
}

/**
 * A mirror's combined commit exists in this worker only, and the queue's next step (test, land) may
 * run on another worker: it goes to the remote as `swarm-queue/<base>` (a scratch branch, forced).
 */
async function publishBatchTip(repo: RepoGit, ctx: GitContext, baseBranch: string, tip: string): Promise<void> {
  if (!repo.remote) return;
  const branch = `swarm-queue/${baseBranch}`;
  await lockRepo(repo, async () => {
    const pushed = await runGitMaybe(ctx, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`]);
    if (pushed === tip) return;
    await pushBranch(repo, tip, branch, 'anything');
  });
}

/** Whether the base branch already contains `commit` (a landing done by an earlier try). */
export async function baseContains(
  repoPath: string,
  baseBranch: string,
  commit: string,
  remote?: RemoteAccess,
): Promise<boolean> {
  const { repo, ctx } = await repoGit(repoPath, remote);
  if (repo.remote) {
    await refreshRepo(repo);
    await lockRepo(repo, () => ensureCommit(repo, ctx, commit));
  }
  const baseSha = await runGitMaybe(ctx, ['rev-parse', '--verify', '--quiet', `${baseRef(repo, baseBranch)}^{commit}`]);
  return baseSha !== null && (await isAncestor(ctx, commit, baseSha));
}
