import type { Priority } from '../tasks/task.js';
import type { TaskWorkflowInput } from './task-types.js';

export type FailurePolicy = 'continue' | 'stop';

/** One task of a plan as its parent workflow starts it: everything else about it lives in libSQL. */
export interface PlanChild {
  taskId: string;
  key: string;
  /** Task ids of the same plan. */
  dependsOn: string[];
  priority: Priority;
  modelType: string;
  skills: string[];
  repo: string;
  taskQueue: string;
  input: TaskWorkflowInput;
}

export interface TaskOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  reason: string | null;
}

export interface PlanWorkflowInput {
  planId: string;
  tasks: PlanChild[];
  /** Tasks running at once, at most. */
  parallel: number;
  /** `continue`: tasks not depending on a failed one still run; `stop`: no new task starts after a failure. */
  failurePolicy: FailurePolicy;
  approved: boolean;
  /** Continue as new past this many history events (default 5,000); lowered only by tests. */
  continueAsNewAfterEvents?: number;
  /** Carried across continue-as-new: how each finished task ended. */
  finished?: Record<string, TaskOutcome>;
}

export type PlanTaskState = 'waiting' | 'running' | TaskOutcome['status'];

export interface PlanProgress {
  planId: string;
  status: 'awaiting_approval' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  tasks: Array<{ taskId: string; key: string; state: PlanTaskState; reason: string | null }>;
  counts: Record<PlanTaskState, number>;
}

export interface PlanWorkflowResult {
  planId: string;
  succeeded: number;
  failed: number;
  cancelled: number;
}
