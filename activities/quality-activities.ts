import { Context } from '@temporalio/activity';
import { artifactId } from '../agent/attempt-outcome.js';
import { collectBaseline, readQualityGate } from '../quality/baseline.js';
import { regressionCauses } from '../quality/feedback.js';
import { runQualityGate } from '../quality/run-gate.js';
import { BASELINE_WAITER_SIGNAL, BASELINE_WORKFLOW } from '../tasks/merge-queue.js';
import { baselineWorkflowId } from '../tasks/merge-queue-id.js';
import { changedFiles } from '../workspace/changed-files.js';
import { git } from '../workspace/git.js';
import { withDetachedCheckout } from '../workspace/worktree.js';
import { callerWorkflowId, loadTask, openWorkspace, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { gateArtifactId, gateConfinement, heartbeating, storedGate } from './gate-support.js';
import { killOrphanOfPreviousTry } from './heartbeat.js';
import { collectBaselineAtInput, runChecksInput, taskRef } from './schemas.js';

export type QualityGateState = 'pass' | 'regression';

export interface RunChecksResult {
  passed: boolean;
  quality: QualityGateState;
  summary: string;
  failedChecks: string[];
  feedbackArtifactId: string | null;
  /**
   * Why the gate failed, a few short lines for people (quality/feedback.ts regressionCauses): the
   * failing tests with their messages, type errors at file:line, a broken build's first error lines.
   * Empty when it passed. Bounded (12 lines of at most 200 characters), so it fits in history.
   */
  causes?: string[];
}

export function createQualityActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    /**
     * Fixes the task's gate (checks and policy from the base commit) and makes sure the base commit
     * has a baseline. When it has none, the one baseline workflow of that commit collects it
     * (single-flight: started or joined with signal-with-start); `pending` tells the task to wait for
     * its `baselineReady` signal.
     */
    ensureBaseline: defineActivity(taskRef, async ({ taskId }) => {
      const ws = await openWorkspace(deps, taskId);
      const { task } = ws;
      const fixGate = async (dir: string) => {
        const gate = readQualityGate(dir);
        await store.artifacts.put({
          id: gateArtifactId(taskId),
          taskId,
          kind: 'quality-gate',
          content: JSON.stringify(gate),
        });
        return gate.checks.length;
      };
      // Before the agent's first commit the worktree is the base commit; later, a temporary checkout is.
      const checks =
        ws.headSha === ws.baseSha
          ? await fixGate(ws.worktreePath)
          : await withDetachedCheckout(task.repo, ws.baseSha, deps.worktreesDir, fixGate, deps.remotes);
      if (await store.quality.getBaselineAt(task.repo, task.baseBranch, ws.baseSha)) {
        return { collected: false, checks, pending: false };
      }
      const { info } = Context.current();
      await Context.current().client.workflow.signalWithStart(BASELINE_WORKFLOW, {
        workflowId: baselineWorkflowId(task.repo, ws.baseSha),
        taskQueue: info.taskQueue,
        args: [{ taskId, commitSha: ws.baseSha }],
        signal: BASELINE_WAITER_SIGNAL,
        signalArgs: [callerWorkflowId(info)],
      });
      return { collected: false, checks, pending: true };
    }),

    /** Collects the baseline of one base commit by the requesting task's gate; nothing when it exists. */
    collectBaselineAt: defineActivity(collectBaselineAtInput, async ({ taskId, commitSha }) => {
      killOrphanOfPreviousTry();
      const task = await loadTask(deps, taskId);
      if (await store.quality.getBaselineAt(task.repo, task.baseBranch, commitSha)) return { collected: false };
      const gate = await storedGate(deps, taskId);
      const snapshot = await withDetachedCheckout(
        task.repo,
        commitSha,
        deps.worktreesDir,
        async (dir) => {
          const confinement = await gateConfinement(deps, task, dir);
          return heartbeating({ step: 'baseline' }, (watch) =>
            collectBaseline({ worktree: dir, gate, ...confinement }, watch),
          );
        },
        deps.remotes,
      );
      await store.quality.setBaseline({ repo: task.repo, branch: task.baseBranch, commitSha, snapshot });
      return { collected: true };
    }),

    /** The quality gate (quality/run-gate.ts) after an agent attempt, its check runs and verdict stored. */
    runChecks: defineActivity(runChecksInput, async ({ taskId, attempt, round }): Promise<RunChecksResult> => {
      killOrphanOfPreviousTry();
      await store.tasks.setStatus(taskId, 'checking', { attempt });
      const ws = await openWorkspace(deps, taskId);
      const { task } = ws;
      const gate = await storedGate(deps, taskId);
      const storedBaseline = await store.quality.getBaseline(task.repo, task.baseBranch);
      const baseline = storedBaseline?.snapshot ?? null;
      const forkPoint = await git(ws.worktreePath, ['merge-base', ws.baseSha, 'HEAD']);
      const changed = await changedFiles(ws.worktreePath, forkPoint);
      const confinement = await gateConfinement(deps, task, ws.worktreePath);
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
        baselineId: storedBaseline?.id ?? null,
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
        causes: comparison.verdict === 'regression' ? regressionCauses(comparison) : [],
      };
    }),
  };
}
