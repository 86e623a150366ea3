import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' } as const;

/** Short bookkeeping steps. */
export const { prepareWorkspace, landChanges, cleanupWorkspace, recordResult, recordTaskStatus, recordLearnings } =
  proxyActivities<Activities>({
    startToCloseTimeout: '5m',
    heartbeatTimeout: '1m',
    retry: { ...retry, maximumAttempts: 10 },
  });

// Long steps: on cancel, wait until the activity has really stopped (its processes killed)
// before the workflow goes on to clean up the worktree under it.
export const { runChecks, ensureBaseline } = proxyActivities<Activities>({
  startToCloseTimeout: '2h',
  heartbeatTimeout: '10s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { ...retry, maximumAttempts: 5 },
});

/** Agent steps run on the task queue of the attempt's model type (the fallback's may differ). */
export const agentActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '2h',
    heartbeatTimeout: '10s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Rate-limit failures carry the provider's Retry-After as their next retry delay.
    retry: { ...retry, maximumInterval: '5m', maximumAttempts: 8 },
  });
