import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
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
  const short = proxyActivities<Activities>({
    startToCloseTimeout: '5m',
    heartbeatTimeout: '10s',
    retry: { ...retry, maximumAttempts: triesWithin(windowMinutes, 30) },
  });
  // Long steps: on cancel, wait until the activity has really stopped (its processes killed)
  // before the workflow goes on to clean up the worktree under it.
  const long = proxyActivities<Activities>({
    startToCloseTimeout: '2h',
    heartbeatTimeout: '10s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { ...retry, maximumAttempts: triesWithin(windowMinutes, 30) },
  });
  return {
    prepareWorkspace: short.prepareWorkspace,
    landChanges: short.landChanges,
    enqueueForLanding: short.enqueueForLanding,
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
    runChecks: long.runChecks,
    ensureBaseline: long.ensureBaseline,
    /** Agent steps run on the task queue of the attempt's model type (the fallback's may differ). */
    agent: (taskQueue: string) =>
      proxyActivities<Activities>({
        taskQueue,
        startToCloseTimeout: '2h',
        heartbeatTimeout: '10s',
        cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        // Rate-limit failures carry the provider's Retry-After as their next retry delay.
        retry: { ...retry, maximumInterval: '5m', maximumAttempts: triesWithin(windowMinutes, 300) },
      }),
  };
}
export type TaskSteps = ReturnType<typeof taskSteps>;
