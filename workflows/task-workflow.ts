import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AttemptOutcome } from '../agent/attempt-outcome.js';
import type { CallUsage } from '../models/usage.js';
import type { Activities } from '../activities/index.js';
import type { TaskStatus } from '../tasks/task.js';
import { JetpackAttempt, JetpackBudget, JetpackModel, JetpackQuality, JetpackStatus } from './search-attributes.js';

/** How one model type runs an attempt: a durable loop of turns (API and local models) or one CLI run. */
export interface ModelPlan {
  modelType: string;
  mode: 'loop' | 'single';
  maxTurns: number;
}

export interface TaskWorkflowInput {
  taskId: string;
  maxAttempts: number;
  taskQueuePrefix: string;
  primary: ModelPlan;
  /** Used from attempt `afterFailedAttempts + 1` on. */
  fallback: (ModelPlan & { afterFailedAttempts: number }) | null;
  budget: { maxTokens: number | null; maxCostUsd: number | null };
  /** Set when the workflow continued as new: where to pick up. */
  resume?: ResumePoint;
}

interface ResumePoint {
  attempt: number;
  turn: number;
  feedbackArtifactId: string | null;
  lastFailure: string | null;
  used: { tokens: number; costUsd: number };
  budget: TaskWorkflowInput['budget'];
}

export interface BudgetState {
  maxTokens: number | null;
  maxCostUsd: number | null;
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
  budget: BudgetState;
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

export const statusQuery = defineQuery<TaskWorkflowState>('status');
export const approveBudgetUpdate = defineUpdate<BudgetState, [BudgetApproval]>('approveBudget');
export const rejectBudgetUpdate = defineUpdate<BudgetState, [{ reason: string; by?: string }]>('rejectBudget');

/** How often the base branch may move under a passing task before it gives up. */
export const MAX_BASE_SYNC_ROUNDS = 5;
/** Continue as new past this many history events, carrying the loop's position. */
const CONTINUE_AS_NEW_AFTER_EVENTS = 5_000;

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' } as const;

const { prepareWorkspace, landChanges, cleanupWorkspace, recordResult, recordTaskStatus, recordLearnings } = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '1m',
  retry: { ...retry, maximumAttempts: 10 },
});

// Long steps: on cancel, wait until the activity has really stopped (its processes killed)
// before the workflow goes on to clean up the worktree under it.
const { runChecks, ensureBaseline } = proxyActivities<Activities>({
  startToCloseTimeout: '2h',
  heartbeatTimeout: '10s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { ...retry, maximumAttempts: 5 },
});

/** Agent steps run on the task queue of the attempt's model type (the fallback's may differ). */
const agentActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '2h',
    heartbeatTimeout: '10s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Rate-limit failures carry the provider's Retry-After as their next retry delay.
    retry: { ...retry, maximumInterval: '5m', maximumAttempts: 8 },
  });

/**
 * One development task: worktree → agent → checks → (feedback and retry) → land on base → result.
 * Deterministic orchestration only; every side effect is an activity, every large output an id.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskWorkflowResult> {
  const { taskId, maxAttempts, resume } = input;
  const limits = resume?.budget ?? input.budget;
  const state: TaskWorkflowState = {
    taskId, status: 'queued', attempt: resume?.attempt ?? 0, maxAttempts, turn: resume?.turn ?? 0, modelType: input.primary.modelType,
    lastFailure: resume?.lastFailure ?? null, mergeCommit: null,
    budget: { ...limits, usedTokens: resume?.used.tokens ?? 0, usedCostUsd: resume?.used.costUsd ?? 0, awaitingApproval: false },
  };
  let budgetDecision: { approved: true; approval: BudgetApproval } | { approved: false; reason: string } | null = null;
  setHandler(statusQuery, () => state);
  const requireAwaiting = () => {
    if (!state.budget.awaitingApproval) throw new Error(`task ${taskId} is not waiting for budget approval`);
  };
  const approve = (approval: BudgetApproval): BudgetState => {
    budgetDecision = { approved: true, approval };
    return { ...state.budget, awaitingApproval: false };
  };
  const reject = (rejection: { reason: string }): BudgetState => {
    budgetDecision = { approved: false, reason: rejection.reason };
    return { ...state.budget, awaitingApproval: false };
  };
  setHandler(approveBudgetUpdate, approve, { validator: (_: BudgetApproval) => requireAwaiting() });
  setHandler(rejectBudgetUpdate, reject, { validator: (_: { reason: string }) => requireAwaiting() });

  const moveTo = (status: TaskStatus) => {
    state.status = status;
    upsertSearchAttributes([
      { key: JetpackStatus, value: status },
      { key: JetpackAttempt, value: state.attempt },
    ]);
  };

  let finished = false;
  const finish = async (status: 'succeeded' | 'failed' | 'cancelled', summary: string, failureReason: string | null) => {
    finished = true;
    moveTo(status);
    try {
      await recordLearnings({ taskId, status, mergeCommit: state.mergeCommit });
    } catch (err) {
      // Memory is an aid, not part of the task's outcome: a task never fails for want of it.
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('could not record learnings', { taskId, error: err.cause?.message ?? err.message });
    }
    await recordResult({ taskId, status, attempts: state.attempt, mergeCommit: state.mergeCommit, summary, failureReason });
    await cleanupWorkspace({ taskId });
  };

  /** After each model call: over budget → pause until approved (limits raised) or rejected (task fails). */
  const spend = async (usage: CallUsage) => {
    const b = state.budget;
    b.usedTokens += usage.inputTokens + usage.outputTokens;
    b.usedCostUsd += usage.costUsd;
    const over = (b.maxTokens !== null && b.usedTokens > b.maxTokens) || (b.maxCostUsd !== null && b.usedCostUsd > b.maxCostUsd);
    if (!over) return;
    const resumeStatus = state.status;
    b.awaitingApproval = true;
    budgetDecision = null;
    moveTo('awaiting_approval');
    upsertSearchAttributes([{ key: JetpackBudget, value: 'exceeded' }]);
    await recordTaskStatus({ taskId, status: 'awaiting_approval' });
    await condition(() => budgetDecision !== null);
    b.awaitingApproval = false;
    const decision = budgetDecision!;
    if (!decision.approved) throw new BudgetRejected(decision.reason);
    const { addTokens, addCostUsd } = decision.approval;
    if (addTokens === undefined && addCostUsd === undefined) {
      b.maxTokens = null;
      b.maxCostUsd = null;
    } else {
      if (b.maxTokens !== null) b.maxTokens = b.usedTokens + (addTokens ?? 0);
      if (b.maxCostUsd !== null) b.maxCostUsd = b.usedCostUsd + (addCostUsd ?? 0);
    }
    upsertSearchAttributes([{ key: JetpackBudget, value: 'approved' }]);
    moveTo(resumeStatus);
    await recordTaskStatus({ taskId, status: resumeStatus });
  };

  const planFor = (attempt: number): ModelPlan =>
    input.fallback && attempt > input.fallback.afterFailedAttempts ? input.fallback : input.primary;

  const runAttempt = async (attempt: number, feedbackArtifactId: string | null, firstTurn: number): Promise<AttemptOutcome> => {
    const plan = planFor(attempt);
    if (plan.modelType !== state.modelType) {
      state.modelType = plan.modelType;
      upsertSearchAttributes([{ key: JetpackModel, value: plan.modelType }]);
    }
    const agent = agentActivities(`${input.taskQueuePrefix}.${plan.modelType}`);
    if (plan.mode === 'single') {
      state.turn = 1;
      const { outcome, usage } = await agent.runAgent({ taskId, attempt, modelType: plan.modelType, feedbackArtifactId });
      await spend(usage);
      return outcome;
    }
    for (let turn = firstTurn; ; turn++) {
      state.turn = turn;
      const result = await agent.agentTurn({ taskId, attempt, turn, modelType: plan.modelType, maxTurns: plan.maxTurns, feedbackArtifactId });
      await spend(result.usage);
      if (result.outcome) return result.outcome;
      if (workflowInfo().historyLength > CONTINUE_AS_NEW_AFTER_EVENTS) {
        await continueAsNew<typeof taskWorkflow>({
          ...input,
          resume: {
            attempt, turn: turn + 1, feedbackArtifactId, lastFailure: state.lastFailure,
            used: { tokens: state.budget.usedTokens, costUsd: state.budget.usedCostUsd },
            budget: { maxTokens: state.budget.maxTokens, maxCostUsd: state.budget.maxCostUsd },
          },
        });
      }
    }
  };

  try {
    moveTo('preparing');
    await prepareWorkspace({ taskId });
    await ensureBaseline({ taskId });

    let feedbackArtifactId: string | null = resume?.feedbackArtifactId ?? null;
    for (let attempt = resume?.attempt ?? 1; attempt <= maxAttempts; attempt++) {
      state.attempt = attempt;
      moveTo('running_agent');
      const firstTurn = resume && attempt === resume.attempt ? resume.turn : 1;
      const agent = await runAttempt(attempt, feedbackArtifactId, firstTurn);
      if (agent.status === 'failed') {
        state.lastFailure = `attempt ${attempt}: agent failed: ${agent.summary}`;
        feedbackArtifactId = agent.feedbackArtifactId;
        continue;
      }

      const landing = await checkAndLand(taskId, attempt, moveTo);
      if (landing.status === 'merged') {
        state.mergeCommit = landing.mergeCommit;
        await finish('succeeded', `landed after ${attempt} attempt(s): ${agent.summary}`, null);
        return { taskId, status: 'succeeded', attempts: attempt, mergeCommit: landing.mergeCommit };
      }
      state.lastFailure = `attempt ${attempt}: ${landing.reason}`;
      if (landing.status === 'fatal') break;
      feedbackArtifactId = landing.feedbackArtifactId;
    }

    const reason = `gave up after ${state.attempt} of ${maxAttempts} attempt(s); last failure: ${state.lastFailure ?? 'unknown'}`;
    await finish('failed', reason, reason);
    throw ApplicationFailure.nonRetryable(reason, 'TaskFailed');
  } catch (err) {
    if (err instanceof BudgetRejected) {
      const reason = `budget exceeded (${state.budget.usedTokens} tokens, $${state.budget.usedCostUsd.toFixed(4)}) and rejected: ${err.message}`;
      await finish('failed', reason, reason);
      throw ApplicationFailure.nonRetryable(reason, 'BudgetRejected');
    }
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => finish('cancelled', 'cancelled by request', 'cancelled'));
    } else if (!finished && err instanceof ActivityFailure) {
      // A step failed for good (e.g. a rejected API key): the task fails with that reason stored.
      const cause = err.cause?.message ?? err.message;
      const reason = `attempt ${state.attempt}: ${cause}`;
      await finish('failed', reason, reason);
      throw ApplicationFailure.nonRetryable(reason, 'TaskFailed');
    }
    throw err;
  }
}

class BudgetRejected extends Error {}

type Landing =
  | { status: 'merged'; mergeCommit: string | null }
  | { status: 'retry'; reason: string; feedbackArtifactId: string | null }
  | { status: 'fatal'; reason: string };

/** Runs the checks and lands; when the base moved meanwhile, merges it in and checks again. */
async function checkAndLand(taskId: string, attempt: number, moveTo: (s: TaskStatus) => void): Promise<Landing> {
  for (let round = 1; round <= MAX_BASE_SYNC_ROUNDS; round++) {
    moveTo('checking');
    const checks = await runChecks({ taskId, attempt, round });
    upsertSearchAttributes([{ key: JetpackQuality, value: checks.quality }]);
    if (!checks.passed) {
      const after = round > 1 ? ' after merging the updated base branch' : '';
      return { status: 'retry', reason: `quality gate failed${after}: ${checks.summary}`, feedbackArtifactId: checks.feedbackArtifactId };
    }
    moveTo('merging');
    const landed = await landChanges({ taskId, attempt });
    if (landed.status === 'merged') return landed;
    if (landed.status === 'conflict') {
      return { status: 'fatal', reason: `merge conflict with the base branch in: ${landed.files.join(', ')}` };
    }
  }
  return { status: 'fatal', reason: `the base branch kept moving; gave up after ${MAX_BASE_SYNC_ROUNDS} re-checks` };
}
