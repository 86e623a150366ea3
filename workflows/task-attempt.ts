import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { AttemptOutcome } from '../agent/attempt-outcome.js';
import type { LandingVerdict } from '../tasks/merge-queue.js';
import type { TaskStatus } from '../tasks/task.js';
import { JetpackModel, JetpackQuality } from './search-attributes.js';
import type { TaskSteps } from './task-activities.js';
import type { BudgetGate } from './task-budget.js';
import type { ModelPlan, ResumePoint, TaskWorkflowInput, TaskWorkflowState } from './task-types.js';

/** How often the base branch may move under a passing task before it gives up. */
export const MAX_BASE_SYNC_ROUNDS = 5;
/** Continue as new past this many history events, carrying the loop's position. */
export const CONTINUE_AS_NEW_AFTER_EVENTS = 5_000;

export interface AttemptContext {
  input: TaskWorkflowInput;
  state: TaskWorkflowState;
  budget: BudgetGate;
  steps: TaskSteps;
  moveTo(status: TaskStatus): void;
  /** Shows the state in the Web UI's current details (moveTo does it too). */
  showDetails(): void;
  /** Continues the workflow as new from this point; never returns. */
  continueAsNewAt(resume: ResumePoint): Promise<never>;
}

const planFor = (input: TaskWorkflowInput, attempt: number): ModelPlan =>
  input.fallback && attempt > input.fallback.afterFailedAttempts ? input.fallback : input.primary;

/** One attempt by the agent: one CLI run, or turns of the durable loop until the model finishes. */
export async function runAttempt(
  ctx: AttemptContext,
  attempt: number,
  feedbackArtifactId: string | null,
  firstTurn: number,
): Promise<AttemptOutcome> {
  const { input, state } = ctx;
  const { taskId } = input;
  const plan = planFor(input, attempt);
  if (plan.modelType !== state.modelType) {
    state.modelType = plan.modelType;
    upsertSearchAttributes([{ key: JetpackModel, value: plan.modelType }]);
  }
  const agent = ctx.steps.agent(`${input.taskQueuePrefix}.${plan.modelType}`);
  if (plan.mode === 'single') {
    state.turn = 1;
    const { outcome, usage } = await agent.runAgent({ taskId, attempt, modelType: plan.modelType, feedbackArtifactId });
    await ctx.budget.spend(usage);
    return outcome;
  }
  for (let turn = firstTurn; ; turn++) {
    state.turn = turn;
    const result = await agent.agentTurn({
      taskId,
      attempt,
      turn,
      modelType: plan.modelType,
      maxTurns: plan.maxTurns,
      feedbackArtifactId,
    });
    state.lastTurnTools = result.tools;
    ctx.showDetails();
    await ctx.budget.spend(result.usage);
    if (result.outcome) return result.outcome;
    if (workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS)) {
      await ctx.continueAsNewAt({
        attempt,
        turn: turn + 1,
        feedbackArtifactId,
        lastFailure: state.lastFailure,
        used: { tokens: state.budget.usedTokens, costUsd: state.budget.usedCostUsd },
        budget: { maxTokens: state.budget.maxTokens, maxCostUsd: state.budget.maxCostUsd },
        ...(state.conflictedFiles.length > 0 ? { conflictedFiles: state.conflictedFiles } : {}),
      });
    }
  }
}

export type Landing =
  | { status: 'merged'; mergeCommit: string | null }
  | { status: 'retry'; reason: string; feedbackArtifactId: string | null }
  /** The queue found a conflict with the base: the worktree holds the merge with markers for the next attempt. */
  | { status: 'conflict'; reason: string; files: string[]; feedbackArtifactId: string | null }
  | { status: 'fatal'; reason: string };

/** The gate's verdict on the attempt's work, or the reason to retry. */
async function gate({ input: { taskId }, moveTo, steps }: AttemptContext, attempt: number, round: number) {
  moveTo('checking');
  const checks = await steps.runChecks({ taskId, attempt, round });
  upsertSearchAttributes([{ key: JetpackQuality, value: checks.quality }]);
  return checks;
}

/**
 * Runs the checks and hands the passing work to the base branch's merge queue, then waits for its
 * verdict: merged, rejected by the queue's gate (feedback for the next attempt), or a conflict with
 * the base (a conflict-resolution attempt follows). The base moving is the queue's business: a task
 * whose gate passed is never failed for it.
 */
export async function checkAndEnqueue(
  ctx: AttemptContext,
  attempt: number,
  verdictFor: (head: string) => Promise<LandingVerdict>,
): Promise<Landing> {
  const {
    input: { taskId },
    moveTo,
    steps,
  } = ctx;
  for (let round = 1; ; round++) {
    const checks = await gate(ctx, attempt, round);
    if (!checks.passed) {
      return {
        status: 'retry',
        reason: `quality gate failed: ${gateFailure(checks)}`,
        feedbackArtifactId: checks.feedbackArtifactId,
      };
    }
    moveTo('merging');
    const { head } = await steps.enqueueForLanding({ taskId, attempt });
    const verdict = await verdictFor(head);
    if (verdict.status === 'merged') return { status: 'merged', mergeCommit: verdict.mergeCommit };
    if (verdict.status === 'refused') return { status: 'fatal', reason: verdict.reason };
    if (verdict.status === 'rejected') {
      return { status: 'retry', reason: verdict.reason, feedbackArtifactId: verdict.feedbackArtifactId };
    }
    const prepared = await steps.prepareConflictResolution({ taskId, attempt });
    if (prepared.status === 'conflict') {
      return {
        status: 'conflict',
        reason: `merge conflict with the base branch in: ${prepared.files.join(', ')}`,
        files: prepared.files,
        feedbackArtifactId: prepared.feedbackArtifactId,
      };
    }
    // The base merged in cleanly after all (the conflicting change went away): check and queue again.
  }
}

/** Runs the checks and lands by itself (landing: 'direct'); when the base moved meanwhile, merges it in and checks again. */
export async function checkAndLand(ctx: AttemptContext, attempt: number): Promise<Landing> {
  const {
    input: { taskId },
    moveTo,
    steps,
  } = ctx;
  for (let round = 1; round <= MAX_BASE_SYNC_ROUNDS; round++) {
    const checks = await gate(ctx, attempt, round);
    if (!checks.passed) {
      const after = round > 1 ? ' after merging the updated base branch' : '';
      return {
        status: 'retry',
        reason: `quality gate failed${after}: ${gateFailure(checks)}`,
        feedbackArtifactId: checks.feedbackArtifactId,
      };
    }
    moveTo('merging');
    const landed = await steps.landChanges({ taskId, attempt });
    if (landed.status === 'merged') return landed;
    if (landed.status === 'conflict') {
      return { status: 'fatal', reason: `merge conflict with the base branch in: ${landed.files.join(', ')}` };
    }
  }
  return { status: 'fatal', reason: `the base branch kept moving; gave up after ${MAX_BASE_SYNC_ROUNDS} re-checks` };
}

/** The gate's verdict with its first causes (failing tests, type errors, build errors), bounded. */
function gateFailure(checks: { summary: string; causes?: string[] }): string {
  const causes = (checks.causes ?? []).slice(0, 5);
  return causes.length > 0 ? `${checks.summary}; ${causes.join('; ')}` : checks.summary;
}
