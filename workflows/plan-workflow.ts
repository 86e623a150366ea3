import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  isCancellation,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning-behavior.js';
import { PRIORITY_KEYS } from '../tasks/task.js';
import { transitiveDependents } from '../tasks/task-graph.js';
import type {
  PlanChild,
  PlanProgress,
  PlanTaskState,
  PlanWorkflowInput,
  PlanWorkflowResult,
  TaskOutcome,
} from './plan-types.js';
import {
  JetpackModel,
  JetpackPlan,
  JetpackPriority,
  JetpackRepo,
  JetpackSkills,
  JetpackStatus,
} from './search-attributes.js';
import { taskSteps } from './task-activities.js';
import { CONTINUE_AS_NEW_AFTER_EVENTS } from './task-attempt.js';
import type { taskWorkflow } from './task-workflow.js';

export type * from './plan-types.js';

export const planProgressQuery = defineQuery<PlanProgress>('planProgress');
export const approvePlanUpdate = defineUpdate<PlanProgress, [{ by?: string }]>('approvePlan');

const outcomeOf = (err: unknown): TaskOutcome => {
  if (err instanceof ChildWorkflowFailure) {
    if (isCancellation(err.cause)) return { status: 'cancelled', reason: 'cancelled' };
    return { status: 'failed', reason: err.cause?.message ?? err.message };
  }
  if (isCancellation(err)) return { status: 'cancelled', reason: 'cancelled' };
  return { status: 'failed', reason: (err as Error).message };
};

// Long-lived: it moves to the current build at its next workflow task (its children start there), so changes to it must replay (patched()).
declareVersioningBehavior('AUTO_UPGRADE', planWorkflow);

/**
 * A plan: starts each task's workflow as a child once every task it depends on has landed, at
 * most `parallel` at once, most urgent first; a failed or cancelled task fails the tasks that
 * depend on it without starting them. Waits for approval first unless approved at creation.
 */
export async function planWorkflow(input: PlanWorkflowInput): Promise<PlanWorkflowResult> {
  const { planId, tasks, parallel, failurePolicy } = input;
  const steps = taskSteps();
  const outcomes = new Map<string, TaskOutcome>(Object.entries(input.finished ?? {}));
  const finishedAtStart = outcomes.size;
  const running = new Set<string>();
  let approved = input.approved;
  let status: PlanProgress['status'] = approved ? 'running' : 'awaiting_approval';
  let changed = false;

  const stateOf = (id: string): PlanTaskState => outcomes.get(id)?.status ?? (running.has(id) ? 'running' : 'waiting');
  const progress = (): PlanProgress => {
    const list = tasks.map((t) => ({
      taskId: t.taskId,
      key: t.key,
      state: stateOf(t.taskId),
      reason: outcomes.get(t.taskId)?.reason ?? null,
    }));
    const counts = { waiting: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
    for (const t of list) counts[t.state]++;
    return { planId, status, tasks: list, counts };
  };
  setHandler(planProgressQuery, progress);
  setHandler(
    approvePlanUpdate,
    (_approval: { by?: string }) => {
      approved = true;
      status = 'running';
      return progress();
    },
    {
      validator: (_approval: { by?: string }) => {
        if (approved) throw new Error(`plan ${planId} is already approved`);
      },
    },
  );

  const graph = tasks.map((t) => ({ id: t.taskId, dependsOn: t.dependsOn }));
  const unstarted = () => tasks.filter((t) => !outcomes.has(t.taskId) && !running.has(t.taskId));

  /** Records `outcome` for tasks that will never start and tells their waiters. */
  const close = async (ids: string[], outcome: TaskOutcome) => {
    if (ids.length === 0) return;
    for (const id of ids) outcomes.set(id, outcome);
    await steps.closeUnstartedTasks({
      taskIds: ids,
      status: outcome.status as 'failed' | 'cancelled',
      reason: outcome.reason ?? '',
    });
  };

  const start = async (child: PlanChild) => {
    running.add(child.taskId);
    const handle = await startChild<typeof taskWorkflow>('taskWorkflow', {
      workflowId: `task-${child.taskId}`,
      taskQueue: child.taskQueue,
      args: [child.input],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      priority: { priorityKey: PRIORITY_KEYS[child.priority], fairnessKey: child.repo },
      typedSearchAttributes: [
        { key: JetpackStatus, value: 'queued' },
        { key: JetpackPriority, value: child.priority },
        { key: JetpackModel, value: child.modelType },
        { key: JetpackSkills, value: child.skills },
        { key: JetpackRepo, value: child.repo },
        { key: JetpackPlan, value: planId },
      ],
    });
    void handle
      .result()
      .then(
        () => outcomes.set(child.taskId, { status: 'succeeded', reason: null }),
        (err: unknown) => outcomes.set(child.taskId, outcomeOf(err)),
      )
      .finally(() => {
        running.delete(child.taskId);
        changed = true;
      });
  };

  try {
    if (!approved) await condition(() => approved);
    if (!input.finished) await steps.recordPlanStatus({ planId, status: 'running', reason: null });

    for (;;) {
      changed = false;
      // A failed or cancelled task fails everything that depends on it, transitively, unstarted.
      for (const [id, outcome] of [...outcomes]) {
        if (outcome.status === 'succeeded') continue;
        const how = outcome.status === 'cancelled' ? 'was cancelled' : 'failed';
        const doomed = transitiveDependents(graph, id).filter((d) => unstarted().some((t) => t.taskId === d));
        await close(doomed, {
          status: 'failed',
          reason: `dependency ${id} ${how}${outcome.reason ? `: ${outcome.reason}` : ''}`,
        });
      }
      const firstFailure = [...outcomes].find(([, o]) => o.status !== 'succeeded');
      if (failurePolicy === 'stop' && firstFailure) {
        await close(
          unstarted().map((t) => t.taskId),
          { status: 'cancelled', reason: `plan stopped: task ${firstFailure[0]} did not succeed` },
        );
      }
      if (outcomes.size === tasks.length) break;

      // Past the history limit no new task starts: the running ones drain, then the plan continues
      // as new; a run always makes some progress first, so a low limit cannot loop.
      const drain =
        outcomes.size > finishedAtStart &&
        workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS);
      if (drain && running.size === 0) {
        await continueAsNew<typeof planWorkflow>({ ...input, approved: true, finished: Object.fromEntries(outcomes) });
      }
      const ready = drain
        ? []
        : unstarted()
            .filter((t) => t.dependsOn.every((d) => outcomes.get(d)?.status === 'succeeded'))
            .sort((a, b) => PRIORITY_KEYS[a.priority] - PRIORITY_KEYS[b.priority]);
      for (const child of ready.slice(0, Math.max(0, parallel - running.size))) await start(child);
      await condition(() => changed);
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      status = 'cancelled';
      // Running children were asked to cancel with this scope; they record their own results.
      await condition(() => running.size === 0);
      await close(
        unstarted().map((t) => t.taskId),
        { status: 'cancelled', reason: 'plan cancelled' },
      );
      await steps.recordPlanStatus({ planId, status: 'cancelled', reason: 'cancelled by request' });
    });
    throw err;
  }

  const count = (s: TaskOutcome['status']) => [...outcomes.values()].filter((o) => o.status === s).length;
  const result = { planId, succeeded: count('succeeded'), failed: count('failed'), cancelled: count('cancelled') };
  if (result.succeeded === tasks.length) {
    status = 'succeeded';
    await steps.recordPlanStatus({ planId, status: 'succeeded', reason: null });
    return result;
  }
  status = 'failed';
  const reason = `${result.failed} failed and ${result.cancelled} cancelled of ${tasks.length} task(s)`;
  await steps.recordPlanStatus({ planId, status: 'failed', reason });
  throw ApplicationFailure.nonRetryable(reason, 'PlanFailed');
}
