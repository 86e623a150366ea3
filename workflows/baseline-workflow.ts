import {
  ActivityFailure,
  defineSignal,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning-behavior.js';
import type { Activities } from '../activities/index.js';
import { BASELINE_WAITER_SIGNAL } from '../tasks/merge-queue.js';
import { DEFAULT_OUTAGE_WINDOW_MINUTES, triesWithin } from './task-activities.js';
import { baselineReadySignal } from './task-workflow.js';

export interface BaselineWorkflowInput {
  /** The task whose gate collects the baseline (read from the base commit by its ensureBaseline). */
  taskId: string;
  commitSha: string;
}

/** A task asks to be told when the baseline is there (signal-with-start: the first request starts the collection). */
export const waitForBaselineSignal = defineSignal<[string]>(BASELINE_WAITER_SIGNAL);

const { collectBaselineAt } = proxyActivities<Activities>({
  startToCloseTimeout: '2h',
  heartbeatTimeout: '10s',
  retry: {
    initialInterval: '1s',
    maximumInterval: '30s',
    maximumAttempts: triesWithin(DEFAULT_OUTAGE_WINDOW_MINUTES, 30),
  },
});

// Short-lived: it finishes on the build that started it.
declareVersioningBehavior('PINNED', baselineWorkflow);

/**
 * Single-flight collection of one base commit's baseline (workflow id `baseline-<repo>-<sha>`):
 * however many tasks need it at once, one collects it and every waiter gets `baselineReady`.
 */
export async function baselineWorkflow(input: BaselineWorkflowInput): Promise<void> {
  const waiters: string[] = [];
  setHandler(waitForBaselineSignal, (workflowId) => {
    if (!waiters.includes(workflowId)) waiters.push(workflowId);
  });
  let error: string | null = null;
  try {
    await collectBaselineAt(input);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    error = err.cause?.message ?? err.message;
  }
  // Waiters arriving while others are told are told too: the loop ends only when none is left.
  for (let told = 0; told < waiters.length; told++) {
    try {
      await getExternalWorkflowHandle(waiters[told]!).signal(baselineReadySignal, { error });
    } catch (err) {
      log.warn('could not tell a task its baseline is ready', {
        workflowId: waiters[told],
        error: (err as Error).message,
      });
    }
  }
}
