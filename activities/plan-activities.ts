import { z } from 'zod';
import { PLAN_STATUSES } from '../db/plans-repository.js';
import { taskIdSchema } from '../tasks/task-spec.js';
import { notifyDependentsOf } from './dependency-activities.js';
import type { ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';

const planId = z.string().regex(/^[a-z0-9]{6,32}$/);

export const planStatusInput = z.object({
  planId,
  status: z.enum(PLAN_STATUSES),
  reason: z.string().nullable(),
});

export const closeUnstartedInput = z.object({
  taskIds: z.array(taskIdSchema).max(1_000),
  status: z.enum(['failed', 'cancelled']),
  reason: z.string(),
});

export function createPlanActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    recordPlanStatus: defineActivity(planStatusInput, async ({ planId, status, reason }) => {
      await store.plans.setStatus(planId, status, reason);
    }),

    /**
     * Records the result of plan tasks that will never start (a dependency failed, or the plan
     * stopped), once each, and tells the tasks outside the plan that wait for them.
     */
    closeUnstartedTasks: defineActivity(closeUnstartedInput, async ({ taskIds, status, reason }) => {
      for (const taskId of taskIds) {
        const task = await store.tasks.get(taskId);
        if (!task) continue;
        await store.results.recordOnce({
          taskId,
          status,
          attempts: 0,
          branch: task.branch,
          mergeCommit: null,
          summary: reason,
          failureReason: reason,
          agentId: null,
        });
        await notifyDependentsOf(deps, { taskId, status, reason });
      }
    }),
  };
}
