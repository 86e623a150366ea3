import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

/** How long a step keeps retrying an infrastructure failure (database or worker lost) before the task fails. */
export const DEFAULT_OUTAGE_WINDOW_MINUTES = 30;

/** Backoff doubles from 1 s up to `maxIntervalSeconds`: the tries that fit in the window. */
export function triesWithin(windowMinutes: number, maxIntervalSeconds: number): number {
  let elapsed = 0;
  let tries = 1;
  for (let interval = 1; elapsed < windowMinutes * 60; tries++) {
    elapsed += interval;
    interval = Math.min(interval * 2, maxIntervalSeconds);
  }
  return tries;
}

/**
 * The task's steps, with retry policies sized so that an outage shorter than the window only delays
 * the task: non-retryable (domain) failures still fail at once. Every step heartbeats, so a lost
 * worker is noticed within its heartbeat timeout, not its start-to-close timeout.
 */
export function taskSteps(windowMinutes = DEFAULT_OUTAGE_WINDOW_MINUTES) {
  const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' } as const;
  const shortOptions: ActivityOptions = {
    startToCloseTimeout: '5m',
    heartbeatTimeout: '10s',
    retry: { ...retry, maximumAttempts: triesWithin(windowMinutes, 30) },
  };
  const short = proxyActivities<Activities>(shortOptions);
  // Long steps: on cancel, wait until the activity has really stopped (its processes killed)
  // before the workflow goes on to clean up the worktree under it.
  const longOptions: ActivityOptions = {
    startToCloseTimeout: '2h',
    heartbeatTimeout: '10s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { ...retry, maximumAttempts: triesWithin(windowMinutes, 30) },
  };
  const long = proxyActivities<Activities>(longOptions);
  const agentOptions = (taskQueue: string): ActivityOptions => ({
    taskQueue,
    startToCloseTimeout: '2h',
    heartbeatTimeout: '10s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Rate-limit failures carry the provider's Retry-After as their next retry delay.
    retry: { ...retry, maximumInterval: '5m', maximumAttempts: triesWithin(windowMinutes, 300) },
  });
  return {
    prepareWorkspace: short.prepareWorkspace,
    landChanges: summarized(short.landChanges, shortOptions, (i) => `attempt ${i.attempt} · land on the base branch`),
    enqueueForLanding: summarized(
      short.enqueueForLanding,
      shortOptions,
      (i) => `attempt ${i.attempt} · enqueue in the merge queue`,
    ),
    prepareConflictResolution: short.prepareConflictResolution,
    findConflictMarkers: short.findConflictMarkers,
    cleanupWorkspace: short.cleanupWorkspace,
    recordResult: short.recordResult,
    recordTaskStatus: short.recordTaskStatus,
    recordLearnings: short.recordLearnings,
    dependencyOutcomes: short.dependencyOutcomes,
    notifyDependents: short.notifyDependents,
    recordPlanStatus: short.recordPlanStatus,
    closeUnstartedTasks: short.closeUnstartedTasks,
    requestAdmission: short.requestAdmission,
    runChecks: summarized(
      long.runChecks,
      longOptions,
      (i) => `attempt ${i.attempt} · quality gate${i.round > 1 ? ` (re-check ${i.round - 1})` : ''}`,
    ),
    ensureBaseline: long.ensureBaseline,
    /** Agent steps run on the task queue of the attempt's model type (the fallback's may differ). */
    agent: (taskQueue: string) => {
      const options = agentOptions(taskQueue);
      const agent = proxyActivities<Activities>(options);
      return {
        agentTurn: summarized(
          agent.agentTurn,
          options,
          (i) =>
            `attempt ${i.attempt} · turn ${i.turn} · ${i.modelType}${i.feedbackArtifactId ? ' · with feedback' : ''}`,
        ),
        runAgent: summarized(agent.runAgent, options, (i) => `attempt ${i.attempt} · ${i.modelType} CLI run`),
      };
    },
  };
}

type OneInputActivity = (input: never) => Promise<unknown>;

/** The step with a summary the Web UI shows on its event ("attempt 2 · turn 3 · local"), made from its input. */
function summarized<A extends OneInputActivity>(
  step: A & { executeWithOptions(options: ActivityOptions, args: Parameters<A>): Promise<Awaited<ReturnType<A>>> },
  options: ActivityOptions,
  summary: (input: Parameters<A>[0]) => string,
): (input: Parameters<A>[0]) => Promise<Awaited<ReturnType<A>>> {
  return (input) => step.executeWithOptions({ ...options, summary: summary(input) }, [input] as Parameters<A>);
}
export type TaskSteps = ReturnType<typeof taskSteps>;
