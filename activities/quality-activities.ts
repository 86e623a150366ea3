import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { artifactId } from '../agent/attempt-outcome.js';
import { collectBaseline, qualityGateSchema, readQualityGate, type QualityGate } from '../quality/baseline.js';
import type { GateProgress } from '../quality/gate-context.js';
import { runQualityGate } from '../quality/run-gate.js';
import { changedFiles } from '../workspace/changed-files.js';
import { git } from '../workspace/git.js';
import type { Task } from '../tasks/task.js';
import { withDetachedCheckout } from '../workspace/worktree.js';
import { openWorkspace, sandboxFor, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { keepHeartbeating, killOrphanOfPreviousTry, type ProcessHeartbeat } from './heartbeat.js';
import { runChecksInput, taskRef } from './schemas.js';

export type QualityGateState = 'pass' | 'regression';

export interface RunChecksResult {
  passed: boolean;
  quality: QualityGateState;
  summary: string;
  failedChecks: string[];
  feedbackArtifactId: string | null;
}

const gateArtifactId = (taskId: string) => artifactId(taskId, 0, 'quality-gate');

/** Runs `work` with the activity's cancellation, heartbeating its running command (pid, host) so a retry after a crash can kill it. */
async function heartbeating<T>(
  progress: Record<string, unknown>,
  work: (watch: GateProgress) => Promise<T>,
): Promise<T> {
  let beat: ProcessHeartbeat & Record<string, unknown> = { ...progress };
  const stop = keepHeartbeating(() => beat);
  try {
    return await work({
      signal: Context.current().cancellationSignal,
      onCommandStart: (step, pid) => (beat = { ...progress, check: step, pid, host: hostname() }),
    });
  } finally {
    stop();
  }
}

export function createQualityActivities(deps: ActivityDeps) {
  const { store } = deps;
  const limits = { timeoutMs: deps.checks.timeoutSeconds * 1000, outputLimitBytes: deps.checks.outputLimitBytes };
  /** Checks run in the task's sandbox without the network; the dependency install gets it. */
  const confined = async (task: Task, worktree: string) => ({
    ...limits,
    sandbox: await sandboxFor(deps, task, worktree, { network: false }),
    installSandbox: await sandboxFor(deps, task, worktree, { network: true }),
    dependencyCacheDir: deps.checks.dependencyCacheDir,
  });

  const storedGate = async (taskId: string): Promise<QualityGate> => {
    const stored = await store.artifacts.get(gateArtifactId(taskId));
    if (!stored) throw new Error(`task ${taskId} has no quality gate; ensureBaseline must run first`);
    return qualityGateSchema.parse(JSON.parse(stored));
  };

  return {
    /**
     * Fixes the task's gate (checks and policy from the base commit) and makes sure the base branch
     * has a baseline for that commit, collecting one when it has none or an older one.
     */
    ensureBaseline: defineActivity(taskRef, async ({ taskId }) => {
      killOrphanOfPreviousTry();
      const ws = await openWorkspace(deps, taskId);
      const { task } = ws;
      const atBase = async (dir: string) => {
        const gate = readQualityGate(dir);
        await store.artifacts.put({
          id: gateArtifactId(taskId),
          taskId,
          kind: 'quality-gate',
          content: JSON.stringify(gate),
        });
        const existing = await store.quality.getBaseline(task.repo, task.baseBranch);
        if (existing?.commitSha === ws.baseSha) return { collected: false, checks: gate.checks.length };
        const confinement = await confined(task, dir);
        const snapshot = await heartbeating({ step: 'baseline' }, (watch) =>
          collectBaseline({ worktree: dir, gate, ...confinement }, watch),
        );
        await store.quality.setBaseline({ repo: task.repo, branch: task.baseBranch, commitSha: ws.baseSha, snapshot });
        return { collected: true, checks: gate.checks.length };
      };
      // Before the agent's first commit the worktree is the base commit; later, a temporary checkout is.
      return ws.headSha === ws.baseSha
        ? atBase(ws.worktreePath)
        : withDetachedCheckout(task.repo, ws.baseSha, deps.worktreesDir, atBase);
    }),

    /** The quality gate (quality/run-gate.ts) after an agent attempt, its check runs and verdict stored. */
    runChecks: defineActivity(runChecksInput, async ({ taskId, attempt, round }): Promise<RunChecksResult> => {
      killOrphanOfPreviousTry();
      await store.tasks.setStatus(taskId, 'checking', { attempt });
      const ws = await openWorkspace(deps, taskId);
      const { task } = ws;
      const gate = await storedGate(taskId);
      const baseline = (await store.quality.getBaseline(task.repo, task.baseBranch))?.snapshot ?? null;
      const forkPoint = await git(ws.worktreePath, ['merge-base', ws.baseSha, 'HEAD']);
      const changed = await changedFiles(ws.worktreePath, forkPoint);
      const confinement = await confined(task, ws.worktreePath);
      const outcome = await heartbeating({ round }, (watch) =>
        runQualityGate(
          { worktree: ws.worktreePath, gate, baseline, changedFiles: changed, ...confinement },
          {
            ...watch,
            previousRuns: () => store.checkRuns.list(taskId, attempt, round),
            recordRun: (run) => store.checkRuns.record({ taskId, attempt, round, ...run }),
          },
        ),
      );
      const { snapshot, comparison, passed, feedback } = outcome;
      const commitSha = await git(ws.worktreePath, ['rev-parse', 'HEAD']);
      await store.quality.recordAttempt({
        taskId,
        attempt,
        round,
        repo: task.repo,
        branch: task.branch,
        commitSha,
        snapshot,
        comparison,
      });
      await store.attempts.finishChecks(taskId, attempt, passed);
      const feedbackArtifactId =
        feedback === null
          ? null
          : await store.artifacts.put({
              id: artifactId(taskId, attempt, 'feedback'),
              taskId,
              kind: 'feedback',
              content: feedback,
            });
      return {
        passed,
        quality: comparison.verdict,
        summary: outcome.summary,
        failedChecks: outcome.failedChecks,
        feedbackArtifactId,
      };
    }),
  };
}
