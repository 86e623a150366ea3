import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { checksFeedback, checksSummary } from '../checks/feedback.js';
import { detectChecks } from '../checks/repo-checks.js';
import { runCommand } from '../process/run-command.js';
import { artifactId } from '../agent/attempt-outcome.js';
import { openWorkspace, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { keepHeartbeating, killOrphanOfPreviousTry, throwIfCancelled, type ProcessHeartbeat } from './heartbeat.js';
import { runChecksInput } from './schemas.js';

export interface RunChecksResult {
  passed: boolean;
  summary: string;
  failedChecks: string[];
  feedbackArtifactId: string | null;
}

/** What a running check heartbeats; a retry reads it back after a crash. */
interface ChecksHeartbeat extends ProcessHeartbeat {
  round: number;
  check?: string;
}

export function createCheckActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    /**
     * Runs the repo's checks for real in the worktree; each check's exit code, duration and bounded
     * output is stored as it finishes. After a crash the retry skips checks already stored and kills
     * the previous run's orphaned process group.
     */
    runChecks: defineActivity(runChecksInput, async ({ taskId, attempt, round }): Promise<RunChecksResult> => {
      const ctx = Context.current();
      killOrphanOfPreviousTry();

      await store.tasks.setStatus(taskId, 'checking', { attempt });
      const ws = await openWorkspace(deps, taskId);
      const commands = detectChecks(ws.worktreePath);
      const done = new Set((await store.checkRuns.list(taskId, attempt, round)).map((r) => r.name));

      let beat: ChecksHeartbeat = { round };
      const stopHeartbeat = keepHeartbeating(() => beat);
      try {
        for (const check of commands) {
          if (done.has(check.name)) continue;
          throwIfCancelled();
          beat = { round, check: check.name };
          const result = await runCommand({
            cwd: ws.worktreePath,
            command: check.command,
            env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
            timeoutMs: deps.checks.timeoutSeconds * 1000,
            outputLimitBytes: deps.checks.outputLimitBytes,
            signal: ctx.cancellationSignal,
            onStart: (pid) => (beat = { round, check: check.name, pid, host: hostname() }),
          });
          throwIfCancelled();
          await store.checkRuns.record({
            taskId, attempt, round, name: check.name, command: check.command, exitCode: result.exitCode,
            passed: result.exitCode === 0 && !result.timedOut, timedOut: result.timedOut, durationMs: result.durationMs,
            output: result.output, outputTruncated: result.outputTruncated,
          });
          beat = { round };
        }
      } finally {
        stopHeartbeat();
      }

      const runs = await store.checkRuns.list(taskId, attempt, round);
      const failed = runs.filter((r) => !r.passed);
      await store.attempts.finishChecks(taskId, attempt, failed.length === 0);
      const feedbackArtifactId =
        failed.length > 0
          ? await store.artifacts.put({ id: artifactId(taskId, attempt, 'feedback'), taskId, kind: 'feedback', content: checksFeedback(failed) })
          : null;
      return { passed: failed.length === 0, summary: checksSummary(runs), failedChecks: failed.map((r) => r.name), feedbackArtifactId };
    }),
  };
}
