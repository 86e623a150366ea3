import { condition, upsertSearchAttributes } from '@temporalio/workflow';
import type { CallUsage } from '../models/usage.js';
import type { TaskStatus } from '../tasks/task.js';
import { JetpackBudget } from './search-attributes.js';
import type { TaskSteps } from './task-activities.js';
import type { BudgetApproval, BudgetRejection, BudgetState } from './task-types.js';

/** A budget rejection ends the task: thrown out of `spend`, caught by the workflow. */
export class BudgetRejected extends Error {}

type Decision = { approved: true; approval: BudgetApproval } | { approved: false; reason: string };

/**
 * The budget state machine of one task: after each model call `spend` adds the usage, and when a
 * limit is passed the task pauses (`awaiting_approval`) until an approve update raises or lifts the
 * limits, or a reject update fails the task.
 */
export function createBudgetGate(
  taskId: string,
  budget: BudgetState,
  status: () => TaskStatus,
  moveTo: (s: TaskStatus) => void,
  recordTaskStatus: TaskSteps['recordTaskStatus'],
) {
  let decision: Decision | null = null;

  const requireAwaiting = () => {
    if (!budget.awaitingApproval) throw new Error(`task ${taskId} is not waiting for budget approval`);
  };
  /** Raises the limits at once, so the update answers with the new ones. */
  const approve = (approval: BudgetApproval): BudgetState => {
    decision = { approved: true, approval };
    raiseLimits(approval);
    return { ...budget, awaitingApproval: false };
  };
  const reject = (rejection: BudgetRejection): BudgetState => {
    decision = { approved: false, reason: rejection.reason };
    return { ...budget, awaitingApproval: false };
  };

  const isOver = () =>
    (budget.maxTokens !== null && budget.usedTokens > budget.maxTokens) ||
    (budget.maxCostUsd !== null && budget.usedCostUsd > budget.maxCostUsd);

  const raiseLimits = ({ addTokens, addCostUsd }: BudgetApproval) => {
    if (addTokens === undefined && addCostUsd === undefined) {
      budget.maxTokens = null;
      budget.maxCostUsd = null;
      return;
    }
    if (budget.maxTokens !== null) budget.maxTokens = budget.usedTokens + (addTokens ?? 0);
    if (budget.maxCostUsd !== null) budget.maxCostUsd = budget.usedCostUsd + (addCostUsd ?? 0);
  };

  /** After each model call: over budget → pause until approved (limits raised) or rejected (throws BudgetRejected). */
  const spend = async (usage: CallUsage): Promise<void> => {
    budget.usedTokens += usage.inputTokens + usage.outputTokens;
    budget.usedCostUsd += usage.costUsd;
    if (!isOver()) return;
    const resumeStatus = status();
    budget.awaitingApproval = true;
    decision = null;
    moveTo('awaiting_approval');
    upsertSearchAttributes([{ key: JetpackBudget, value: 'exceeded' }]);
    await recordTaskStatus({ taskId, status: 'awaiting_approval' });
    await condition(() => decision !== null);
    budget.awaitingApproval = false;
    const made = decision!;
    if (!made.approved) throw new BudgetRejected(made.reason);
    upsertSearchAttributes([{ key: JetpackBudget, value: 'approved' }]);
    moveTo(resumeStatus);
    await recordTaskStatus({ taskId, status: resumeStatus });
  };

  return { approve, reject, requireAwaiting, spend };
}
export type BudgetGate = ReturnType<typeof createBudgetGate>;
