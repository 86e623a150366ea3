import { existsSync, readdirSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { Store } from '../../db/index.js';
import { gitMaybe } from '../../workspace/git.js';
import { findMarkedProcesses, type MarkedProcess } from './processes.js';
import { progressFile, stepLine, type PlannedTask } from './workload.js';

/** A submitted task: the plan plus what the client returned. */
export interface SubmittedTask extends PlannedTask {
  id: string;
  workflowId: string;
  submittedAt: number;
}

export interface TaskVerdict {
  task: SubmittedTask;
  /** Temporal's view at the end: COMPLETED, FAILED, RUNNING, … or NOT_FOUND. */
  workflowStatus: string;
  dbStatus: string | null;
  resultRows: number;
  resultStatus: string | null;
  outcome: 'succeeded' | 'failed' | 'stuck' | 'lost';
  failureReason: string | null;
  /** Problems that make the suite fail, in words. */
  problems: string[];
  mergeCommits: number;
  /** Step lines seen more than once in the merged progress file, and step lines missing from it. */
  repeatedStepLines: number;
  missingStepLines: number;
  /** (attempt, turn) pairs with more than one checkpoint commit on the task branch. */
  repeatedCheckpoints: string[];
  /** Model calls made again for a turn (a retried turn: expected after a kill, not a defect by itself). */
  retriedTurns: number;
}

const RESULT_STATUSES = new Set(['succeeded', 'failed', 'cancelled']);

export async function judgeTask(task: SubmittedTask, temporal: Client, store: Store): Promise<TaskVerdict> {
  let workflowStatus = 'NOT_FOUND';
  try {
    workflowStatus = (await temporal.workflow.getHandle(task.workflowId).describe()).status.name;
  } catch {
    /* not found */
  }
  const row = await store.tasks.get(task.id);
  const counted = await store.db.execute({
    sql: 'SELECT COUNT(*) AS n FROM results WHERE task_id = ?',
    args: [task.id],
  });
  const resultRows = Number(counted.rows[0]!.n);
  const result = await store.results.get(task.id);
  const problems: string[] = [];

  let outcome: TaskVerdict['outcome'];
  if (workflowStatus === 'RUNNING') outcome = 'stuck';
  else if (!result) outcome = 'lost';
  else outcome = result.status === 'succeeded' ? 'succeeded' : 'failed';

  if (resultRows > 1) problems.push(`${resultRows} results rows`);
  if (outcome === 'lost')
    problems.push(`workflow ${workflowStatus} but no result row (task status ${row?.status ?? 'no task row'})`);
  if (outcome === 'stuck') problems.push(`still running at the deadline (task status ${row?.status ?? '?'})`);
  if (result && row && RESULT_STATUSES.has(row.status) && row.status !== result.status) {
    problems.push(`task status ${row.status} but result ${result.status}`);
  }
  if (result && row && !RESULT_STATUSES.has(row.status))
    problems.push(`result ${result.status} but task status still ${row.status}`);
  if (result?.status === 'succeeded' && workflowStatus !== 'COMPLETED')
    problems.push(`result succeeded but workflow ${workflowStatus}`);
  if (outcome === 'failed') problems.push(`failed: ${result?.failureReason ?? '?'}`);

  // Merge commits of this task on its own base branch.
  const merges = (await gitMaybe(task.repo, ['log', '--merges', '--format=%H %s', task.baseBranch])) ?? '';
  const mergeShas = merges
    .split('\n')
    .filter((l) => l.includes(` swarm: merge task ${task.id}:`))
    .map((l) => l.split(' ')[0]!);
  if (mergeShas.length > 1) problems.push(`${mergeShas.length} merge commits on ${task.baseBranch}`);
  if (result?.status === 'succeeded' && result.mergeCommit && !mergeShas.includes(result.mergeCommit)) {
    problems.push(`result names merge ${result.mergeCommit.slice(0, 10)}, which is not on ${task.baseBranch}`);
  }
  if (result?.status === 'succeeded' && mergeShas.length === 0)
    problems.push(`succeeded but no merge commit on ${task.baseBranch}`);

  // Each run step's line exactly once in the merged tree.
  let repeatedStepLines = 0;
  let missingStepLines = 0;
  if (mergeShas.length > 0) {
    const content = (await gitMaybe(task.repo, ['show', `${task.baseBranch}:${progressFile(task.tag)}`])) ?? '';
    const lines = content.split('\n').filter(Boolean);
    for (let step = 1; step <= task.steps; step++) {
      const n = lines.filter((l) => l === stepLine(task.tag, step)).length;
      if (n > 1) repeatedStepLines += n - 1;
      if (n === 0) missingStepLines++;
    }
    if (repeatedStepLines > 0)
      problems.push(
        `${repeatedStepLines} repeated step line(s) in ${progressFile(task.tag)}: ${JSON.stringify(lines)}`,
      );
    if (missingStepLines > 0) problems.push(`${missingStepLines} step line(s) missing from ${progressFile(task.tag)}`);
  }

  // At most one checkpoint commit per (attempt, turn) on the task branch.
  const subjects = ((await gitMaybe(task.repo, ['log', '--format=%s', `refs/heads/swarm/${task.id}`])) ?? '').split(
    '\n',
  );
  const perTurn = new Map<string, number>();
  const title = new RegExp(`^swarm\\(${task.id}\\): attempt (\\d+), turn (\\d+)$`);
  for (const s of subjects) {
    const m = title.exec(s);
    if (m) perTurn.set(`${m[1]}.${m[2]}`, (perTurn.get(`${m[1]}.${m[2]}`) ?? 0) + 1);
  }
  const repeatedCheckpoints = [...perTurn]
    .filter(([, n]) => n > 1)
    .map(([k, n]) => `attempt ${k.replace('.', ', turn ')} ×${n}`);
  if (repeatedCheckpoints.length > 0) problems.push(`repeated checkpoint commits: ${repeatedCheckpoints.join('; ')}`);

  const calls = await store.db.execute({
    sql: 'SELECT COUNT(*) AS n FROM model_calls WHERE task_id = ? AND try > 1',
    args: [task.id],
  });

  return {
    task,
    workflowStatus,
    dbStatus: row?.status ?? null,
    resultRows,
    resultStatus: result?.status ?? null,
    outcome,
    failureReason: result?.failureReason ?? null,
    problems,
    mergeCommits: mergeShas.length,
    repeatedStepLines,
    missingStepLines,
    repeatedCheckpoints,
    retriedTurns: Number(calls.rows[0]!.n),
  };
}

/** Task worktrees left behind: directories under the worktrees dir and worktrees git still lists. */
export async function leftoverWorktrees(worktreesDir: string, repos: string[]): Promise<string[]> {
  const left = existsSync(worktreesDir) ? readdirSync(worktreesDir).map((d) => `${worktreesDir}/${d}`) : [];
  for (const repo of repos) {
    const list = (await gitMaybe(repo, ['worktree', 'list', '--porcelain'])) ?? '';
    const paths = list
      .split('\n')
      .filter((l) => l.startsWith('worktree '))
      .map((l) => l.slice('worktree '.length))
      .filter((p) => p !== repo);
    for (const p of paths) if (!left.includes(p)) left.push(p);
  }
  return left;
}

export function orphans(marker: string): MarkedProcess[] {
  return findMarkedProcesses(marker);
}

export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
