import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { artifactId } from '../agent/attempt-outcome.js';
import { collectCheck, type CollectOptions } from '../quality/collect-check.js';
import { compareToBaseline } from '../quality/compare-to-baseline.js';
import { qualitySummary, regressionFeedback } from '../quality/feedback.js';
import { rerunNewFailures } from '../quality/rerun-new-failures.js';
import { collectSnapshot, qualityGateSchema, readQualityGate } from '../quality/baseline.js';
import { checkResultSchema, type CheckResult } from '../quality/snapshot.js';
import { installDependencies } from '../workspace/dependencies.js';
import { git } from '../workspace/git.js';
import type { Task } from '../tasks/task.js';
import { withDetachedCheckout } from '../workspace/worktree.js';
import { openWorkspace, sandboxFor, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { keepHeartbeating, killOrphanOfPreviousTry, throwIfCancelled, type ProcessHeartbeat } from './heartbeat.js';
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

export function createQualityActivities(deps: ActivityDeps) {
  const { store } = deps;

  /** Heartbeats the running command so a retry after a crash can kill it; returns the collect options. */
  const collecting = async (task: Task, worktree: string, progress: Record<string, unknown>) => {
    const sandbox = await sandboxFor(deps, task, worktree, { network: false });
    const installSandbox = await sandboxFor(deps, task, worktree, { network: true });
    let beat: ProcessHeartbeat & Record<string, unknown> = { ...progress };
    const stop = keepHeartbeating(() => beat);
    const options: CollectOptions = {
      worktree,
      sandbox,
      timeoutMs: deps.checks.timeoutSeconds * 1000,
      outputLimitBytes: deps.checks.outputLimitBytes,
      signal: Context.current().cancellationSignal,
      onStart: (check, pid) => (beat = { ...progress, check: check.name, pid, host: hostname() }),
    };
    const onInstallStart = (pid: number) => (beat = { ...progress, check: 'install', pid, host: hostname() });
    return { options, onInstallStart, installSandbox, stop };
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
        await store.artifacts.put({ id: gateArtifactId(taskId), taskId, kind: 'quality-gate', content: JSON.stringify(gate) });
        const existing = await store.quality.getBaseline(task.repo, task.baseBranch);
        if (existing?.commitSha === ws.baseSha) return { collected: false, checks: gate.checks.length };
        const { options, onInstallStart, installSandbox, stop } = await collecting(task, dir, { step: 'baseline' });
        try {
          const snapshot = await collectSnapshot(gate, { ...options, onInstallStart, installSandbox });
          throwIfCancelled(); // a cancelled run's results are no baseline
          await store.quality.setBaseline({ repo: task.repo, branch: task.baseBranch, commitSha: ws.baseSha, snapshot });
        } finally {
          stop();
        }
        return { collected: true, checks: gate.checks.length };
      };
      // Before the agent's first commit the worktree is the base commit; later, a temporary checkout is.
      return ws.headSha === ws.baseSha ? atBase(ws.worktreePath) : withDetachedCheckout(task.repo, ws.baseSha, deps.worktreesDir, atBase);
    }),

    /**
     * The quality gate after an agent attempt: every check runs for real in the worktree (each stored
     * as it finishes, so a retry after a crash skips those), new test failures are re-run once to
     * tell flaky tests, and the snapshot is compared with the base branch's baseline.
     */
    runChecks: defineActivity(runChecksInput, async ({ taskId, attempt, round }): Promise<RunChecksResult> => {
      killOrphanOfPreviousTry();
      await store.tasks.setStatus(taskId, 'checking', { attempt });
      const ws = await openWorkspace(deps, taskId);
      const { task } = ws;
      const stored = await store.artifacts.get(gateArtifactId(taskId));
      if (!stored) throw new Error(`task ${taskId} has no quality gate; ensureBaseline must run first`);
      const gate = qualityGateSchema.parse(JSON.parse(stored));
      const baseline = (await store.quality.getBaseline(task.repo, task.baseBranch))?.snapshot ?? null;
      const done = new Map((await store.checkRuns.list(taskId, attempt, round)).map((r) => [r.name, r]));

      const { options, onInstallStart, installSandbox, stop } = await collecting(task, ws.worktreePath, { round });
      let snapshot;
      try {
        await installDependencies(ws.worktreePath, { timeoutMs: options.timeoutMs, signal: options.signal, onStart: onInstallStart, sandbox: installSandbox });
        const results: CheckResult[] = [];
        for (const check of gate.checks) {
          const previous = checkResultSchema.safeParse(done.get(check.name)?.result);
          if (previous.success) {
            results.push(previous.data);
            continue;
          }
          throwIfCancelled();
          const run = await collectCheck(check, options);
          throwIfCancelled();
          await store.checkRuns.record({
            taskId, attempt, round, name: check.name, command: check.command, exitCode: run.result.exitCode,
            passed: run.result.passed, timedOut: run.result.timedOut, durationMs: run.result.durationMs,
            output: run.output, outputTruncated: run.outputTruncated, result: run.result,
          });
          results.push(run.result);
        }
        snapshot = await rerunNewFailures({ checks: results }, baseline, options);
      } finally {
        stop();
      }
      const comparison = compareToBaseline(snapshot, baseline, gate.policy);
      const passed = comparison.verdict === 'pass';
      await store.quality.recordAttempt({
        taskId, attempt, round, repo: task.repo, branch: task.branch, commitSha: await git(ws.worktreePath, ['rev-parse', 'HEAD']),
        snapshot, comparison,
      });
      await store.attempts.finishChecks(taskId, attempt, passed);
      const feedbackArtifactId = passed
        ? null
        : await store.artifacts.put({ id: artifactId(taskId, attempt, 'feedback'), taskId, kind: 'feedback', content: regressionFeedback(comparison) });
      return {
        passed,
        quality: comparison.verdict,
        summary: qualitySummary(comparison),
        failedChecks: snapshot.checks.filter((c) => !c.passed).map((c) => c.name),
        feedbackArtifactId,
      };
    }),
  };
}
