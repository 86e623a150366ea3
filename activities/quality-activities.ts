import { mkdtemp, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import { artifactId } from '../agent/attempt-outcome.js';
import { collectCheck, type CollectOptions } from '../quality/collect-check.js';
import { compareToBaseline } from '../quality/compare-to-baseline.js';
import { detectQualityChecks } from '../quality/detect-checks.js';
import { qualitySummary, regressionFeedback } from '../quality/feedback.js';
import { qualityPolicySchema, resolvePolicy } from '../quality/policy.js';
import { readRepoConfig } from '../quality/repo-config.js';
import { rerunNewFailures } from '../quality/rerun-new-failures.js';
import { checkKindSchema, checkResultSchema, reportFormatSchema, type CheckResult } from '../quality/snapshot.js';
import { installDependencies } from '../workspace/dependencies.js';
import { git } from '../workspace/git.js';
import { openWorkspace, type ActivityDeps } from './deps.js';
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

/** The checks and policy of a task, read from its base commit so the agent cannot loosen its own gate. */
const gateSchema = z.object({
  checks: z.array(z.object({ name: z.string(), kind: checkKindSchema, format: reportFormatSchema, command: z.string(), coverage: z.boolean() })),
  policy: qualityPolicySchema,
});
type Gate = z.infer<typeof gateSchema>;
const gateArtifactId = (taskId: string) => artifactId(taskId, 0, 'quality-gate');

export function createQualityActivities(deps: ActivityDeps) {
  const { store } = deps;

  /** Heartbeats the running command so a retry after a crash can kill it; returns the collect options. */
  const collecting = (worktree: string, progress: Record<string, unknown>) => {
    let beat: ProcessHeartbeat & Record<string, unknown> = { ...progress };
    const stop = keepHeartbeating(() => beat);
    const options: CollectOptions = {
      worktree,
      timeoutMs: deps.checks.timeoutSeconds * 1000,
      outputLimitBytes: deps.checks.outputLimitBytes,
      signal: Context.current().cancellationSignal,
      onStart: (check, pid) => (beat = { ...progress, check: check.name, pid, host: hostname() }),
    };
    const install = () =>
      installDependencies(worktree, {
        timeoutMs: deps.checks.timeoutSeconds * 1000,
        signal: options.signal,
        onStart: (pid) => (beat = { ...progress, check: 'install', pid, host: hostname() }),
      });
    return { options, install, stop };
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
      // Before the agent's first commit the worktree is the base commit; later, a temporary checkout is.
      let dir = ws.worktreePath;
      let temporary: string | null = null;
      if (ws.headSha !== ws.baseSha) {
        temporary = await mkdtemp(path.join(deps.worktreesDir, `baseline-${taskId}-`));
        await git(task.repo, ['worktree', 'add', '--detach', '--force', temporary, ws.baseSha]);
        dir = temporary;
      }
      try {
        const gate: Gate = { checks: detectQualityChecks(dir), policy: resolvePolicy(readRepoConfig(dir)?.quality) };
        await store.artifacts.put({ id: gateArtifactId(taskId), taskId, kind: 'quality-gate', content: JSON.stringify(gate) });
        const existing = await store.quality.getBaseline(task.repo, task.baseBranch);
        if (existing?.commitSha === ws.baseSha) return { collected: false, checks: gate.checks.length };

        const { options, install, stop } = collecting(dir, { step: 'baseline' });
        try {
          await install();
          const results: CheckResult[] = [];
          for (const check of gate.checks) {
            throwIfCancelled();
            results.push((await collectCheck(check, options)).result);
          }
          await store.quality.setBaseline({ repo: task.repo, branch: task.baseBranch, commitSha: ws.baseSha, snapshot: { checks: results } });
        } finally {
          stop();
        }
        return { collected: true, checks: gate.checks.length };
      } finally {
        if (temporary) {
          await git(task.repo, ['worktree', 'remove', '--force', temporary]).catch(() => undefined);
          await rm(temporary, { recursive: true, force: true });
        }
      }
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
      const gate = gateSchema.parse(JSON.parse(stored));
      const baseline = (await store.quality.getBaseline(task.repo, task.baseBranch))?.snapshot ?? null;
      const done = new Map((await store.checkRuns.list(taskId, attempt, round)).map((r) => [r.name, r]));

      const { options, install, stop } = collecting(ws.worktreePath, { round });
      let snapshot;
      try {
        await install();
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
