import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { proposePlan } from '../agent/planner.js';
import type { SwarmConfig } from '../config/config.js';
import type { Store } from '../db/index.js';
import type { Plan } from '../db/plans-repository.js';
import { createModelRegistry } from '../models/registry.js';
import { branchForTask, taskQueueForModel, workflowIdForPlan, workflowIdForTask } from '../tasks/task.js';
import { newTaskId } from '../tasks/task-id.js';
import type { PlanChild, PlanProgress, planWorkflow } from '../workflows/plan-workflow.js';
import { approvePlanUpdate, planProgressQuery } from '../workflows/plan-workflow.js';
import { validatePlanSubmission } from './plan-submission.js';
import { routeTask } from './routing.js';
import { taskWorkflowInput } from './task-start.js';
import { TaskInputError } from './task-input-error.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export interface PlanClientDeps {
  config: SwarmConfig;
  store: Store;
  temporal: Client;
  /** Where the planner model's API key is read (default: this process's environment). */
  env?: Record<string, string | undefined>;
}

/** Plans: a goal turned into tasks with dependencies by a planner model, run by one parent workflow. */
export function createPlanClient({ config, store, temporal, env = process.env }: PlanClientDeps) {
  const requirePlan = async (planId: string): Promise<Plan> => {
    const plan = await store.plans.get(planId);
    if (!plan) throw new TaskInputError(`no plan with id "${planId}"`);
    return plan;
  };

  return {
    /**
     * Asks the planner, checks its plan (retrying with the problem as feedback), routes each task
     * to a model type, then stores plan, tasks and dependencies at once and starts `plan-<id>`.
     */
    async createPlan(input: unknown, testing: { continueAsNewAfterEvents?: number } = {}) {
      const { spec, repo, baseBranch, plannerModel } = await validatePlanSubmission(config, input, env);
      const runtime = createModelRegistry({ [plannerModel]: config.models[plannerModel]! }, env).get(plannerModel);
      if (runtime.mode !== 'loop')
        throw new TaskInputError(
          `model "${plannerModel}" runs a coding CLI and cannot plan; choose an API or local model`,
        );
      const { plan: proposal, tries } = await proposePlan(runtime.chatModel, spec.goal).catch((err: Error) => {
        throw new TaskInputError(err.message);
      });

      const planId = newTaskId();
      const ids = new Map(proposal.tasks.map((t) => [t.key, newTaskId()]));
      const rows = proposal.tasks.map((t) => {
        const id = ids.get(t.key)!;
        let modelType: string;
        try {
          modelType = routeTask(config.models, config.defaultModel, spec.model, t.skills);
        } catch (err) {
          throw new TaskInputError(`plan task "${t.key}": ${(err as Error).message}`);
        }
        return {
          task: {
            id,
            title: t.title,
            description: t.description,
            priority: t.priority,
            skills: t.skills,
            acceptanceCriteria: t.acceptanceCriteria,
            repo,
            baseBranch,
            branch: branchForTask(id),
            modelType,
            maxAttempts: spec.maxAttempts,
            workflowId: workflowIdForTask(id),
            budget: { maxTokens: null, maxCostUsd: null },
            planId,
            planKey: t.key,
          },
          dependsOn: t.dependsOn.map((k) => ids.get(k)!),
        };
      });
      const plan = {
        id: planId,
        goal: spec.goal,
        repo,
        baseBranch,
        modelType: plannerModel,
        parallel: spec.parallel,
        failurePolicy: spec.failurePolicy,
        workflowId: workflowIdForPlan(planId),
      };
      await store.plans.create(plan, rows);
      const children: PlanChild[] = rows.map(({ task, dependsOn }) => ({
        taskId: task.id,
        key: task.planKey,
        dependsOn,
        priority: task.priority,
        modelType: task.modelType,
        skills: task.skills,
        repo,
        taskQueue: taskQueueForModel(config.temporal.taskQueuePrefix, task.modelType),
        // The plan starts a task only once its dependencies landed: the task itself waits for nothing.
        input: taskWorkflowInput(config, task),
      }));
      try {
        await temporal.workflow.start<typeof planWorkflow>('planWorkflow', {
          workflowId: plan.workflowId,
          taskQueue: taskQueueForModel(config.temporal.taskQueuePrefix, plannerModel),
          args: [
            {
              planId,
              tasks: children,
              parallel: spec.parallel,
              failurePolicy: spec.failurePolicy,
              approved: spec.autoApprove,
              ...testing,
            },
          ],
          memo: { goal: spec.goal.slice(0, 200) },
        });
      } catch (err) {
        const reason = `could not start the plan's workflow: ${(err as Error).message}`;
        await store.plans.setStatus(planId, 'failed', reason);
        throw new Error(`plan ${planId} was recorded but ${reason}`, { cause: err });
      }
      return {
        plan: (await store.plans.get(planId))!,
        tasks: await store.tasks.listForPlan(planId),
        plannerTries: tries,
      };
    },

    /** Starts a plan created without --auto-approve. */
    async approvePlan(planId: string, by?: string): Promise<PlanProgress> {
      const plan = await requirePlan(planId);
      if (plan.status !== 'awaiting_approval')
        throw new TaskInputError(`plan ${planId} is ${plan.status}; only a plan awaiting approval can be approved`);
      try {
        return await temporal.workflow.getHandle(plan.workflowId).executeUpdate(approvePlanUpdate, { args: [{ by }] });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) throw new TaskInputError(err.cause?.message ?? err.message);
        if (err instanceof WorkflowNotFoundError) throw new TaskInputError(`plan ${planId} has no running workflow`);
        throw err;
      }
    },

    /** Cancels the plan: its running tasks are cancelled, its unstarted ones recorded as cancelled. */
    async cancelPlan(planId: string): Promise<void> {
      const plan = await requirePlan(planId);
      if (FINISHED.has(plan.status))
        throw new TaskInputError(`plan ${planId} already finished (${plan.status}); there is nothing to cancel`);
      await temporal.workflow.getHandle(plan.workflowId).cancel();
    },

    /** The plan, its tasks with their dependencies and statuses, and the live progress while it runs. */
    async showPlan(planId: string) {
      const plan = await store.plans.get(planId);
      if (!plan) return undefined;
      const tasks = await store.tasks.listForPlan(planId);
      const progress = FINISHED.has(plan.status)
        ? null
        : await temporal.workflow
            .getHandle(plan.workflowId)
            .query(planProgressQuery)
            .catch(() => null);
      return { plan, tasks, progress };
    },

    listPlans: (limit?: number) => store.plans.list(limit),

    /** Waits for the plan's workflow to close; returns the plan as stored then. */
    async waitForPlan(planId: string): Promise<Plan> {
      const plan = await requirePlan(planId);
      await temporal.workflow
        .getHandle(plan.workflowId)
        .result()
        .catch(() => undefined);
      return (await store.plans.get(planId))!;
    },
  };
}
export type PlanClient = ReturnType<typeof createPlanClient>;
