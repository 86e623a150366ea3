import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning-behavior.js';
import {
  BASELINE_READY_SIGNAL,
  LANDING_VERDICT_SIGNAL,
  type LandingMode,
  type LandingVerdict,
} from '../tasks/merge-queue.js';
import type { TaskStatus } from '../tasks/task.js';
import { JetpackAttempt, JetpackStatus } from './search-attributes.js';
import { taskCurrentDetails } from './task-details.js';
import { taskSteps, type TaskSteps } from './task-activities.js';
import { checkAndEnqueue, checkAndLand, runAttempt, type AttemptContext, type Landing } from './task-attempt.js';
import { BudgetRejected, createBudgetGate } from './task-budget.js';
import { createDependencyGate, DependencyFailed } from './task-dependencies.js';
import { createAdmissionSlot } from './task-admission.js';
import type {
  BudgetApproval,
  BudgetRejection,
  BudgetState,
  TaskWorkflowInput,
  TaskWorkflowResult,
  TaskWorkflowState,
} from './task-types.js';

export type * from './task-types.js';
export { MAX_BASE_SYNC_ROUNDS } from './task-attempt.js';
export { dependencyFinishedSignal, type DependencyOutcome } from './task-dependencies.js';

export const statusQuery = defineQuery<TaskWorkflowState>('status');
export const approveBudgetUpdate = defineUpdate<BudgetState, [BudgetApproval]>('approveBudget');
export const rejectBudgetUpdate = defineUpdate<BudgetState, [BudgetRejection]>('rejectBudget');
/** The merge queue's answer about an entry this task enqueued. */
export const landingVerdictSignal = defineSignal<[LandingVerdict]>(LANDING_VERDICT_SIGNAL);
/** The baseline workflow collected the baseline this task waits for (error: why it could not). */
export const baselineReadySignal = defineSignal<[{ error: string | null }]>(BASELINE_READY_SIGNAL);

/** Histories from before the merge queue carry no `landing`: they landed directly. */
const landingMode = (input: TaskWorkflowInput): LandingMode => input.landing ?? 'direct';

// A task finishes on the build it started on (its continue-as-new runs too): a rollout never replays it on new code.
declareVersioningBehavior('PINNED', taskWorkflow);

/**
 * One development task: worktree → agent → checks → (feedback and retry) → land on base → result.
 * Deterministic orchestration only; every side effect is an activity, every large output an id.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskWorkflowResult> {
  const { taskId, maxAttempts, resume } = input;
  const state = initialState(input);
  const dependencies = createDependencyGate(input.dependsOn ?? []);
  /** The state as the status query and the Web UI show it: while blocked, with what it waits for. */
  const shownState = () => (state.status === 'blocked' ? { ...state, waitingFor: dependencies.waitingFor() } : state);
  const showDetails = () => setCurrentDetails(taskCurrentDetails(shownState()));
  const moveTo = (status: TaskStatus) => {
    state.status = status;
    upsertSearchAttributes([
      { key: JetpackStatus, value: status },
      { key: JetpackAttempt, value: state.attempt },
    ]);
    showDetails();
  };
  const steps = taskSteps(input.outageWindowMinutes);
  const budget = createBudgetGate(taskId, state.budget, () => state.status, moveTo, steps.recordTaskStatus);
  const admission = createAdmissionSlot(input.admission);
  setHandler(statusQuery, shownState);
  setHandler(approveBudgetUpdate, budget.approve, { validator: (_: BudgetApproval) => budget.requireAwaiting() });
  setHandler(rejectBudgetUpdate, budget.reject, { validator: (_: BudgetRejection) => budget.requireAwaiting() });
  const verdicts: LandingVerdict[] = [];
  setHandler(landingVerdictSignal, (verdict) => void verdicts.push(verdict));
  let baselineReady: { error: string | null } | null = null;
  setHandler(baselineReadySignal, (ready) => void (baselineReady = ready));
  /** Waits for the queue's verdict on `head` (a duplicate verdict about an older head is ignored). */
  const verdictFor = async (head: string): Promise<LandingVerdict> => {
    await condition(() => verdicts.some((v) => v.head === head));
    return verdicts.splice(
      verdicts.findIndex((v) => v.head === head),
      1,
    )[0]!;
  };
  const attempts: AttemptContext = {
    input,
    state,
    budget,
    steps,
    moveTo,
    showDetails,
    continueAsNewAt: (point) => continueAsNew<typeof taskWorkflow>({ ...input, resume: point }),
  };

  let finished = false;
  const finish = async (
    status: 'succeeded' | 'failed' | 'cancelled',
    summary: string,
    failureReason: string | null,
  ) => {
    finished = true;
    moveTo(status);
    await recordLearningsIfPossible(steps, taskId, status, state.mergeCommit);
    await steps.recordResult({
      taskId,
      status,
      attempts: state.attempt,
      mergeCommit: state.mergeCommit,
      summary,
      failureReason,
    });
    await steps.cleanupWorkspace({ taskId });
    // Histories recorded before dependencies existed have no such step.
    if (patched('notify-dependents')) await steps.notifyDependents({ taskId, status, reason: failureReason });
    await admission.release();
  };

  try {
    if (input.dependsOn?.length && !resume) {
      moveTo('blocked');
      await dependencies.wait(steps, taskId);
    }
    if (!resume) await admission.acquire(steps);
    moveTo('preparing');
    await steps.prepareWorkspace({ taskId });
    const baseline = await steps.ensureBaseline({ taskId });
    if (baseline.pending) {
      await condition(() => baselineReady !== null);
      const failure = baselineReady!.error;
      if (failure !== null) {
        const reason = `could not collect the base branch's baseline: ${failure}`;
        await finish('failed', reason, reason);
        throw ApplicationFailure.nonRetryable(reason, 'TaskFailed');
      }
    }

    let feedbackArtifactId: string | null = resume?.feedbackArtifactId ?? null;
    for (let attempt = resume?.attempt ?? 1; attempt <= maxAttempts; attempt++) {
      state.attempt = attempt;
      moveTo('running_agent');
      const firstTurn = resume && attempt === resume.attempt ? resume.turn : 1;
      const agent = await runAttempt(attempts, attempt, feedbackArtifactId, firstTurn);
      if (agent.status === 'failed') {
        state.lastFailure = `attempt ${attempt}: agent failed: ${agent.summary}`;
        feedbackArtifactId = agent.feedbackArtifactId;
        continue;
      }

      if (state.conflictedFiles.length > 0) {
        const markers = await steps.findConflictMarkers({ taskId, attempt, files: state.conflictedFiles });
        if (markers.remaining.length > 0) {
          state.lastFailure = `attempt ${attempt}: conflict markers left in: ${markers.remaining.join(', ')}`;
          feedbackArtifactId = markers.feedbackArtifactId;
          continue;
        }
        state.conflictedFiles = [];
      }

      const landing: Landing =
        landingMode(input) === 'queue'
          ? await checkAndEnqueue(attempts, attempt, verdictFor)
          : await checkAndLand(attempts, attempt);
      if (landing.status === 'merged') {
        state.mergeCommit = landing.mergeCommit;
        await finish('succeeded', `landed after ${attempt} attempt(s): ${agent.summary}`, null);
        return { taskId, status: 'succeeded', attempts: attempt, mergeCommit: landing.mergeCommit };
      }
      state.lastFailure = `attempt ${attempt}: ${landing.reason}`;
      if (landing.status === 'fatal') break;
      if (landing.status === 'conflict') state.conflictedFiles = landing.files;
      feedbackArtifactId = landing.feedbackArtifactId;
    }

    const reason = `gave up after ${state.attempt} of ${maxAttempts} attempt(s); last failure: ${state.lastFailure ?? 'unknown'}`;
    await finish('failed', reason, reason);
    throw ApplicationFailure.nonRetryable(reason, 'TaskFailed');
  } catch (err) {
    if (err instanceof DependencyFailed) {
      await finish('failed', err.message, err.message);
      throw ApplicationFailure.nonRetryable(err.message, 'DependencyFailed');
    }
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

function initialState({ taskId, maxAttempts, resume, primary, budget }: TaskWorkflowInput): TaskWorkflowState {
  const limits = resume?.budget ?? budget;
  return {
    taskId,
    status: 'queued',
    attempt: resume?.attempt ?? 0,
    maxAttempts,
    turn: resume?.turn ?? 0,
    modelType: primary.modelType,
    lastFailure: resume?.lastFailure ?? null,
    mergeCommit: null,
    conflictedFiles: resume?.conflictedFiles ?? [],
    budget: {
      ...limits,
      usedTokens: resume?.used.tokens ?? 0,
      usedCostUsd: resume?.used.costUsd ?? 0,
      awaitingApproval: false,
    },
  };
}

/** Memory is an aid, not part of the task's outcome: a task never fails for want of it. */
async function recordLearningsIfPossible(
  steps: TaskSteps,
  taskId: string,
  status: 'succeeded' | 'failed' | 'cancelled',
  mergeCommit: string | null,
) {
  try {
    await steps.recordLearnings({ taskId, status, mergeCommit });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('could not record learnings', { taskId, error: err.cause?.message ?? err.message });
  }
}
