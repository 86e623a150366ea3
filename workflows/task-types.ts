import type { LandingMode } from '../tasks/merge-queue.js';
import type { TaskStatus } from '../tasks/task.js';

/** How one model type runs an attempt: a durable loop of turns (API and local models) or one CLI run. */
export interface ModelPlan {
  modelType: string;
  mode: 'loop' | 'single';
  maxTurns: number;
}

export interface BudgetLimits {
  maxTokens: number | null;
  maxCostUsd: number | null;
}

export interface TaskWorkflowInput {
  taskId: string;
  maxAttempts: number;
  taskQueuePrefix: string;
  primary: ModelPlan;
  /** Used from attempt `afterFailedAttempts + 1` on. */
  fallback: (ModelPlan & { afterFailedAttempts: number }) | null;
  budget: BudgetLimits;
  /** How long a step retries infrastructure failures before the task fails (default 30). */
  outageWindowMinutes?: number;
  /** Continue as new past this many history events (default 5,000); lowered only by tests. */
  continueAsNewAfterEvents?: number;
  /** How a passing attempt lands: through the base branch's merge queue, or by itself (absent: direct, as before the queue). */
  landing?: LandingMode;
  /** Set when the workflow continued as new: where to pick up. */
  resume?: ResumePoint;
  /**
   * The data branch the task's records are on, for whoever reads the history; activities find it
   * from the task's route in the main data (activities/task-data-scope.ts), not from here.
   */
  dataBranch?: string;
  /** Tasks that must succeed before this one starts (it waits `blocked`, without a worktree). */
  dependsOn?: string[];
  /** Set when the model type limits its tasks in flight: the admission workflow to ask for a slot. */
  admission?: {
    workflowId: string;
    taskQueue: string;
    modelType: string;
    slots: number;
    priorityKey: number;
  };
}

export interface ResumePoint {
  attempt: number;
  turn: number;
  feedbackArtifactId: string | null;
  lastFailure: string | null;
  used: { tokens: number; costUsd: number };
  budget: BudgetLimits;
  /** The files of a merge conflict the next attempt resolves (absent in histories from before the queue). */
  conflictedFiles?: string[];
}

export interface BudgetState extends BudgetLimits {
  usedTokens: number;
  usedCostUsd: number;
  awaitingApproval: boolean;
}

export interface TaskWorkflowState {
  taskId: string;
  status: TaskStatus;
  attempt: number;
  maxAttempts: number;
  turn: number;
  modelType: string;
  /** Short text of the latest failure (details live in libSQL). */
  lastFailure: string | null;
  mergeCommit: string | null;
  /** The files of the last merge conflict with the base, whose markers the next attempt must resolve. */
  conflictedFiles: string[];
  /** The tool calls of the latest agent turn (short lines), for the Web UI's current details. */
  lastTurnTools?: string[];
  budget: BudgetState;
  /** While `blocked`: the dependencies that have not succeeded yet. */
  waitingFor?: string[];
}

export interface TaskWorkflowResult {
  taskId: string;
  status: 'succeeded';
  attempts: number;
  mergeCommit: string | null;
}

export interface BudgetApproval {
  /** Extra tokens allowed; with neither field, the limits are lifted. */
  addTokens?: number;
  addCostUsd?: number;
  by?: string;
}

export interface BudgetRejection {
  reason: string;
  by?: string;
}
