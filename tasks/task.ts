/** Plain task types and naming rules, free of dependencies so workflow code may import them. */
export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** What a task id looks like (see task-id.ts); checked before anything is looked up. */
export const TASK_ID_PATTERN = /^[a-z0-9]{6,32}$/;

export const TASK_STATUSES = [
  'queued',
  /** Waiting for the tasks it depends on to succeed. */
  'blocked',
  'preparing',
  'running_agent',
  'checking',
  'merging',
  'awaiting_approval',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface TaskBudget {
  maxTokens: number | null;
  maxCostUsd: number | null;
}

/** A fully resolved task: the stored record's core, as the workflow and activities see it. */
export interface Task {
  id: string;
  title: string;
  description: string;
  priority: Priority;
  skills: string[];
  acceptanceCriteria: string[];
  repo: string;
  baseBranch: string;
  branch: string;
  modelType: string;
  maxAttempts: number;
  /** Spending limits for the whole task; null means unlimited. */
  budget: TaskBudget;
  workflowId: string;
  status: TaskStatus;
  currentAttempt: number;
  failureReason: string | null;
  /** Set for the tasks of a plan: the plan and the task's key within it. */
  planId: string | null;
  planKey: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Temporal task queue priority (1 is dispatched first); activities inherit their workflow's. */
export const PRIORITY_KEYS: Record<Priority, number> = { critical: 1, high: 2, medium: 3, low: 4 };

/** The signal a finishing task sends each task waiting for it (workflows/task-dependencies.ts handles it). */
export const DEPENDENCY_FINISHED_SIGNAL = 'dependencyFinished';

export const workflowIdForTask = (taskId: string): string => `task-${taskId}`;
export const branchForTask = (taskId: string): string => `swarm/${taskId}`;
/** `<prefix>.<modelType>`; the prefix (default `jetpack`) lets several swarms share one Temporal namespace. */
export const taskQueueForModel = (prefix: string, modelType: string): string => `${prefix}.${modelType}`;
export const workflowIdForPlan = (planId: string): string => `plan-${planId}`;
