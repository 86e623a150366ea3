import type { Priority } from './task.js';

/**
 * The contract between a task and its base branch's merge queue (workflows/merge-queue-workflow.ts):
 * names shared by the workflows and the activity that starts the queue with signal-with-start.
 */
export const MERGE_QUEUE_WORKFLOW = 'mergeQueueWorkflow';
export const ENQUEUE_SIGNAL = 'enqueue';
export const LANDING_VERDICT_SIGNAL = 'landingVerdict';
export const BASELINE_WORKFLOW = 'baselineWorkflow';
export const BASELINE_WAITER_SIGNAL = 'waitForBaseline';
export const BASELINE_READY_SIGNAL = 'baselineReady';

/** How a task whose gate passed lands: through its base branch's merge queue, or by itself (the old way). */
export const LANDING_MODES = ['queue', 'direct'] as const;
export type LandingMode = (typeof LANDING_MODES)[number];

/** What a task hands the queue: ids and the commit its gate checked, never content. */
export interface QueueEntryRequest {
  taskId: string;
  attempt: number;
  priority: Priority;
  /** The task branch's head the gate passed on. */
  head: string;
  /** Where the verdict goes. */
  workflowId: string;
}

/** The queue's answer about one entry, identified by the head it was given. */
export type LandingVerdict = { taskId: string; attempt: number; head: string } & (
  | { status: 'merged'; mergeCommit: string | null }
  | { status: 'rejected'; reason: string; feedbackArtifactId: string | null }
  | { status: 'conflict'; files: string[]; baseCommits: string[] }
  /** The remote refused the landing push (a protected branch, a hook, permissions): the task fails with the reason. */
  | { status: 'refused'; reason: string }
);

/**
 * The queue's gate runs are stored with the batch's first entry (task, attempt) under a round above
 * every task's own rounds, derived from the combined commit: a retry finds its runs, a different
 * combined commit never reuses them.
 */
export const QUEUE_ROUND_BASE = 1_000_000;
export const queueRound = (combinedCommit: string) => QUEUE_ROUND_BASE + parseInt(combinedCommit.slice(0, 6), 16);
