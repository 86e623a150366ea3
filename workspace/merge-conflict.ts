import { GitError, runGit, runGitMaybe } from './git-run.js';
import { RepoError } from './repo-error.js';
import { baseCommitsTouching } from './merge-batch.js';
import { isAncestor, openWorktree, publishTaskBranch, refreshRepo, requireBranchIn } from './worktree.js';

/** One conflicted file: the task branch's side and the base's side (null where the file does not exist). */
export interface ConflictedFile {
  path: string;
  ours: string | null;
  theirs: string | null;
}

export type ConflictMerge =
  | { status: 'clean'; baseSha: string }
  | { status: 'conflict'; baseSha: string; files: ConflictedFile[]; baseCommits: string[] };

const CONFLICT_TRAILER = 'Swarm-Conflict';

/**
 * Merges the base branch into the task branch for a conflict-resolution attempt. A clean merge is
 * committed as usual; a conflicted one is committed with its conflict markers in the files (trailer
 * `Swarm-Conflict: <key>`), so the agent's attempt starts from that commit and resolves the markers.
 * A retry finding its own conflict commit at HEAD (or a merge left half done) starts over from the
 * branch before it, so the effect happens once.
 */
export async function mergeBaseKeepingConflicts(
  worktree: string,
  repoPath: string,
  baseBranch: string,
  key: string,
): Promise<ConflictMerge> {
  const { wt, ctx } = await openWorktree(worktree, repoPath);
  await runGitMaybe(ctx, ['merge', '--abort']);
  const trailers = await runGit(ctx, ['log', '-1', `--format=%(trailers:key=${CONFLICT_TRAILER},valueonly)`]);
  if (trailers.split('\n').includes(key)) await runGit(ctx, ['reset', '--quiet', '--hard', 'HEAD^1']);
  await runGit(ctx, ['reset', '--quiet', '--hard', 'HEAD']);
  await refreshRepo(wt.repo);
  const baseSha = await requireBranchIn(ctx, wt.repo, baseBranch);
  if (await isAncestor(ctx, baseSha, 'HEAD')) {
    await publishTaskBranch(wt, ctx);
    return { status: 'clean', baseSha };
  }
  const message = `swarm: merge ${baseBranch} into ${wt.branch}`;
  try {
    await runGit(ctx, ['merge', '--no-edit', '--no-verify', '--no-stat', '-m', message, baseSha]);
    await publishTaskBranch(wt, ctx);
    return { status: 'clean', baseSha };
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
  }
  const paths = (await runGit(ctx, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
  if (paths.length === 0) {
    await runGitMaybe(ctx, ['merge', '--abort']);
    throw new RepoError(`merging ${baseBranch} into ${wt.branch} failed without conflicted files`);
  }
  const files: ConflictedFile[] = [];
  for (const file of paths) {
    files.push({
      path: file,
      ours: await runGitMaybe(ctx, ['show', `HEAD:${file}`]),
      theirs: await runGitMaybe(ctx, ['show', `${baseSha}:${file}`]),
    });
  }
  const baseCommits = await baseCommitsTouching(ctx, baseSha, 'HEAD', paths);
  await runGit(ctx, ['add', '--all']);
  await runGit(ctx, [
    'commit',
    '--quiet',
    '--no-verify',
    '-m',
    `${message} (conflicts to resolve in ${paths.join(', ')})\n\n${CONFLICT_TRAILER}: ${key}`,
  ]);
  await publishTaskBranch(wt, ctx);
  return { status: 'conflict', baseSha, files, baseCommits };
}

/** The files among `paths` that still hold a conflict marker line. */
export async function filesWithConflictMarkers(worktree: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const { ctx } = await openWorktree(worktree);
  const found = await runGitMaybe(ctx, ['grep', '-l', '-E', '^(<<<<<<<|>>>>>>>)( |$)', '--', ...paths]);
  return found ? found.split('\n').filter(Boolean) : [];
}
