import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import type { SwarmConfig } from '../config/config.js';
import { formatZodError } from '../config/format-zod-error.js';
import type { Store } from '../db/index.js';
import { branchForTask, workflowIdForTask, type Task, type TaskStatus } from '../tasks/task.js';
import { newTaskId } from '../tasks/task-id.js';
import type { taskWorkflow, TaskWorkflowState } from '../workflows/task-workflow.js';
import {
  approveBudgetUpdate,
  rejectBudgetUpdate,
  statusQuery,
  type BudgetApproval,
  type BudgetState,
} from '../workflows/task-workflow.js';
import { gateNotes, qualitySummary, regressionCauses } from '../quality/feedback.js';
import { checkDependencies, dependencyStatuses } from './task-dependencies.js';
import { taskStartOptions } from './task-start.js';
import type { StepProgress } from './live-progress.js';
import { stepProgress } from './step-progress.js';
import { validateTaskSubmission } from './task-submission.js';
import { workflowStartMetadata } from './workflow-metadata.js';
import { retryingSteps, type RetryingStep } from './retrying-steps.js';
import { TaskInputError } from './task-input-error.js';
import { dataBranchStores, type DataBranchStores } from '../data-branches/data-branch-stores.js';
import { MAIN_DATA_BRANCH } from '../tasks/data-branch-name.js';
import { openSwarmStore } from '../workers/swarm-store.js';

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
  /** The main data. */
  store: Store;
  temporal: Client;
  /** Each data branch's store; default: opened as a worker opens its store. */
  dataStores?: DataBranchStores;
  /** The environment credentials for remote repositories come from (git.tokenEnv, SSH agent); default process.env. */
  env?: Record<string, string | undefined>;
}

/** The programmatic client the CLI is built on: submit, inspect and cancel tasks. */
export function createSwarmClient({ config, store, temporal, dataStores, env = process.env }: SwarmClientDeps) {
  const data =
    dataStores ??
    dataBranchStores({ config, main: store, openStore: (database) => openSwarmStore({ ...config, database }) });
  /** The store holding a task's records: its data branch's (from its route in the main data), or the main one. */
  const storeOf = (taskId: string) => data.forTask(taskId);

  const workflowUrl = (taskId: string) =>
    `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${workflowIdForTask(taskId)}`;

  const updateWaitingTask = async (taskId: string, update: (handle: WorkflowHandle) => Promise<BudgetState>) => {
    const task = await (await storeOf(taskId)).tasks.get(taskId);
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
    /** The data branches' stores this client reads tasks from. */
    dataStores: data,
    storeOf,

    /**
     * Validates the spec fully (schema, repo, branch, routing) before writing anything, then starts the
     * workflow. With `dataBranch`, the task's records go to that data branch's database: its route is
     * written to the main data first, so every worker and client finds them there.
     */
    async createTask(input: unknown): Promise<Task> {
      const { spec, repo, baseBranch, modelType } = await validateTaskSubmission(config, input, env);
      const dataBranch = spec.dataBranch && spec.dataBranch !== MAIN_DATA_BRANCH ? spec.dataBranch : null;
      const target = dataBranch ? await data.forBranch(dataBranch) : store;

      await checkDependencies(target, spec.dependsOn, { repo, baseBranch });

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
        planId: null,
      };
      if (dataBranch) await data.registry.routeTask(id, dataBranch);
      if (!(await target.tasks.insert(newTask, spec.dependsOn)))
        throw new Error(`task id ${id} collided with an existing task; submit again`);
      const stored = (await target.tasks.get(id))!;
      try {
        await temporal.workflow.start<typeof taskWorkflow>('taskWorkflow', {
          ...taskStartOptions(config, newTask, spec.dependsOn, { dataBranch }),
          ...workflowStartMetadata(stored),
        });
      } catch (err) {
        const reason = `could not start the workflow: ${(err as Error).message}`;
        await target.tasks.setStatus(id, 'failed', { failureReason: reason });
        throw new Error(`task ${id} was recorded but ${reason}`, { cause: err });
      }
      return (await target.tasks.get(id))!;
    },

    /** Everything stored about a task, plus the workflow's live state when it is still running. */
    async showTask(taskId: string) {
      const store = await storeOf(taskId);
      const task = await store.tasks.get(taskId);
      if (!task) return undefined;
      const [attempts, checks, result, usage, snapshots, dependencies] = await Promise.all([
        store.attempts.listForTask(taskId),
        store.checkRuns.list(taskId),
        store.results.get(taskId),
        store.modelCalls.totalsForTask(taskId),
        store.quality.listForTask(taskId),
        dependencyStatuses(store, taskId),
      ]);
      const gates = snapshots.map((s) => ({
        attempt: s.attempt,
        round: s.round,
        summary: s.comparison ? qualitySummary(s.comparison) : null,
        causes: s.comparison?.verdict === 'regression' ? regressionCauses(s.comparison) : [],
        /** Checks of the gate that cannot judge the change, or judge it by their exit code alone. */
        notes: s.comparison ? gateNotes(s.comparison) : [],
      }));
      let live: TaskWorkflowState | null = null;
      let retrying: RetryingStep[] = [];
      let progress: StepProgress[] = [];
      if (!result) {
        const handle = temporal.workflow.getHandle(task.workflowId);
        const [state, pending] = await Promise.all([
          handle.query(statusQuery).catch(() => null),
          handle
            .describe()
            .then(({ raw }) => raw.pendingActivities ?? [])
            .catch(() => []),
        ]);
        live = state;
        retrying = retryingSteps(pending);
        progress = stepProgress(pending);
      }
      // A running workflow holds the limits as approvals changed them.
      const budget = live ? { maxTokens: live.budget.maxTokens, maxCostUsd: live.budget.maxCostUsd } : task.budget;
      return {
        task: { ...task, budget },
        attempts,
        checks,
        gates,
        result: result ?? null,
        usage,
        live,
        retrying,
        progress,
        webUrl: workflowUrl(taskId),
        dependencies,
      };
    },

    /**
     * Lets a task that went over its budget go on; without amounts, its limits are lifted. Returns the
     * new limits as the workflow holds them once the approval is applied, and records them with the task.
     */
    async approveBudget(taskId: string, approval: BudgetApproval): Promise<BudgetState> {
      const parsed = budgetApprovalSchema.safeParse(approval);
      if (!parsed.success) throw new TaskInputError(`invalid approval: ${formatZodError(parsed.error)}`);
      return updateWaitingTask(taskId, async (handle) => {
        const answered = await handle.executeUpdate(approveBudgetUpdate, { args: [parsed.data] });
        // The workflow raises the limits in the same workflow task that answers the update, so a query
        // now reads them (the update's own answer may predate the raise).
        const applied = (await handle.query(statusQuery).catch(() => null))?.budget ?? answered;
        await store.tasks.setBudget(taskId, { maxTokens: applied.maxTokens, maxCostUsd: applied.maxCostUsd });
        return { ...applied, awaitingApproval: false };
      });
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
      const task = await (await storeOf(taskId)).tasks.get(taskId);
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
      const store = await storeOf(taskId);
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
