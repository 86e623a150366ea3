import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import type { SwarmConfig } from '../config/config.js';
import { formatZodError } from '../config/format-zod-error.js';
import type { Store } from '../db/index.js';
import { branchForTask, taskQueueForModel, workflowIdForTask, type Task, type TaskStatus } from '../tasks/task.js';
import { newTaskId } from '../tasks/task-id.js';
import type { taskWorkflow, TaskWorkflowState } from '../workflows/task-workflow.js';
import {
  approveBudgetUpdate,
  rejectBudgetUpdate,
  statusQuery,
  type BudgetApproval,
  type BudgetState,
} from '../workflows/task-workflow.js';
import {
  JetpackModel,
  JetpackPriority,
  JetpackRepo,
  JetpackSkills,
  JetpackStatus,
} from '../workflows/search-attributes.js';
import { gateNotes, qualitySummary } from '../quality/feedback.js';
import { fallbackPlan, modelPlan } from './routing.js';
import { validateTaskSubmission } from './task-submission.js';
import { retryingSteps, type RetryingStep } from './retrying-steps.js';
import { TaskInputError } from './task-input-error.js';

const budgetApprovalSchema = z
  .object({
    addTokens: z.number().int().positive('addTokens must be a positive number of tokens').optional(),
    addCostUsd: z.number().positive('addCostUsd must be a positive amount in USD').optional(),
    by: z.string().max(200).optional(),
  })
  .strict();

// Its home is a dependency-free file, so the CLI can tell input errors apart without loading this client.
export { TaskInputError };

const FINISHED = new Set<TaskStatus>(['succeeded', 'failed', 'cancelled']);

export interface SwarmClientDeps {
  config: SwarmConfig;
  store: Store;
  temporal: Client;
}

/** The programmatic client the CLI is built on: submit, inspect and cancel tasks. */
export function createSwarmClient({ config, store, temporal }: SwarmClientDeps) {
  const workflowUrl = (taskId: string) =>
    `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${workflowIdForTask(taskId)}`;

  const updateWaitingTask = async (taskId: string, update: (handle: WorkflowHandle) => Promise<BudgetState>) => {
    const task = await store.tasks.get(taskId);
    if (!task) throw new TaskInputError(`no task with id "${taskId}"`);
    try {
      return await update(temporal.workflow.getHandle(task.workflowId));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new TaskInputError(err.cause?.message ?? err.message);
      if (err instanceof WorkflowNotFoundError) throw new TaskInputError(`task ${taskId} has no running workflow`);
      throw err;
    }
  };

  return {
    workflowUrl,

    /** Validates the spec fully (schema, repo, branch, routing) before writing anything, then starts the workflow. */
    async createTask(input: unknown): Promise<Task> {
      const { spec, repo, baseBranch, modelType } = await validateTaskSubmission(config, input);

      const id = newTaskId();
      const newTask = {
        id,
        title: spec.title,
        description: spec.description,
        priority: spec.priority,
        skills: spec.skills,
        acceptanceCriteria: spec.acceptanceCriteria,
        repo,
        baseBranch,
        branch: branchForTask(id),
        modelType,
        maxAttempts: spec.maxAttempts,
        workflowId: workflowIdForTask(id),
        budget: { maxTokens: spec.budget?.maxTokens ?? null, maxCostUsd: spec.budget?.maxCostUsd ?? null },
      };
      if (!(await store.tasks.insert(newTask)))
        throw new Error(`task id ${id} collided with an existing task; submit again`);
      try {
        await temporal.workflow.start<typeof taskWorkflow>('taskWorkflow', {
          workflowId: newTask.workflowId,
          taskQueue: taskQueueForModel(config.temporal.taskQueuePrefix, modelType),
          args: [
            {
              taskId: id,
              maxAttempts: spec.maxAttempts,
              taskQueuePrefix: config.temporal.taskQueuePrefix,
              primary: modelPlan(config.models, modelType),
              fallback: fallbackPlan(config.models, modelType),
              budget: newTask.budget,
              outageWindowMinutes: config.outageWindowMinutes,
            },
          ],
          memo: { title: spec.title },
          typedSearchAttributes: [
            { key: JetpackStatus, value: 'queued' },
            { key: JetpackPriority, value: spec.priority },
            { key: JetpackModel, value: modelType },
            { key: JetpackSkills, value: spec.skills },
            { key: JetpackRepo, value: repo },
          ],
        });
      } catch (err) {
        const reason = `could not start the workflow: ${(err as Error).message}`;
        await store.tasks.setStatus(id, 'failed', { failureReason: reason });
        throw new Error(`task ${id} was recorded but ${reason}`, { cause: err });
      }
      return (await store.tasks.get(id))!;
    },

    /** Everything stored about a task, plus the workflow's live state when it is still running. */
    async showTask(taskId: string) {
      const task = await store.tasks.get(taskId);
      if (!task) return undefined;
      const [attempts, checks, result, usage, snapshots] = await Promise.all([
        store.attempts.listForTask(taskId),
        store.checkRuns.list(taskId),
        store.results.get(taskId),
        store.modelCalls.totalsForTask(taskId),
        store.quality.listForTask(taskId),
      ]);
      const gates = snapshots.map((s) => ({
        attempt: s.attempt,
        round: s.round,
        summary: s.comparison ? qualitySummary(s.comparison) : null,
        /** Checks of the gate that cannot judge the change, or judge it by their exit code alone. */
        notes: s.comparison ? gateNotes(s.comparison) : [],
      }));
      let live: TaskWorkflowState | null = null;
      let retrying: RetryingStep[] = [];
      if (!result) {
        const handle = temporal.workflow.getHandle(task.workflowId);
        [live, retrying] = await Promise.all([
          handle.query(statusQuery).catch(() => null),
          handle
            .describe()
            .then(({ raw }) => retryingSteps(raw.pendingActivities ?? []))
            .catch(() => []),
        ]);
      }
      return {
        task,
        attempts,
        checks,
        gates,
        result: result ?? null,
        usage,
        live,
        retrying,
        webUrl: workflowUrl(taskId),
      };
    },

    /** Lets a task that went over its budget go on; without amounts, its limits are lifted. */
    async approveBudget(taskId: string, approval: BudgetApproval): Promise<BudgetState> {
      const parsed = budgetApprovalSchema.safeParse(approval);
      if (!parsed.success) throw new TaskInputError(`invalid approval: ${formatZodError(parsed.error)}`);
      return updateWaitingTask(taskId, (handle) => handle.executeUpdate(approveBudgetUpdate, { args: [parsed.data] }));
    },

    /** Fails a task that went over its budget, with the reason stored. */
    async rejectBudget(taskId: string, reason: string): Promise<BudgetState> {
      if (!reason.trim()) throw new TaskInputError('a reason is needed to reject a budget');
      return updateWaitingTask(taskId, (handle) =>
        handle.executeUpdate(rejectBudgetUpdate, { args: [{ reason: reason.trim() }] }),
      );
    },

    /** Requests cancellation of a task still running; a finished one is refused (TaskInputError) naming its status. */
    async cancelTask(taskId: string): Promise<void> {
      const task = await store.tasks.get(taskId);
      if (!task) throw new TaskInputError(`no task with id "${taskId}"`);
      const finished = `task ${taskId} already finished`;
      if (FINISHED.has(task.status))
        throw new TaskInputError(`${finished} (${task.status}); there is nothing to cancel`);
      const handle = temporal.workflow.getHandle(task.workflowId);
      try {
        // Temporal accepts a cancel request for a closed workflow silently.
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING')
          throw new TaskInputError(
            `${finished} (its workflow is ${status.name.toLowerCase()}); there is nothing to cancel`,
          );
        await handle.cancel();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new TaskInputError(`task ${taskId} has no running workflow`);
        throw err;
      }
    },

    /** Waits for the task's workflow to close; returns the stored result. */
    async waitForResult(taskId: string) {
      const task = await store.tasks.get(taskId);
      if (!task) throw new TaskInputError(`no task with id "${taskId}"`);
      await temporal.workflow
        .getHandle(task.workflowId)
        .result()
        .catch(() => undefined);
      return store.results.get(taskId);
    },
  };
}
export type SwarmClient = ReturnType<typeof createSwarmClient>;
