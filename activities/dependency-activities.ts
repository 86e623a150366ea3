import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { DEPENDENCY_FINISHED_SIGNAL } from '../tasks/task.js';
import { taskIdSchema } from '../tasks/task-spec.js';
import type { ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { taskRef } from './schemas.js';

const FINAL = ['succeeded', 'failed', 'cancelled'] as const;
type FinalStatus = (typeof FINAL)[number];

export interface StoredOutcome {
  taskId: string;
  status: FinalStatus;
  reason: string | null;
}

export const finishedTaskInput = z.object({
  taskId: taskIdSchema,
  status: z.enum(FINAL),
  reason: z.string().nullable(),
});

/** Signals every dependent that is not part of a plan (a plan starts its own tasks) that `outcome` happened. */
export async function notifyDependentsOf(deps: ActivityDeps, outcome: StoredOutcome): Promise<number> {
  const waiting = (await deps.store.tasks.dependentsOf(outcome.taskId)).filter((t) => t.planId === null);
  const client = Context.current().client;
  let notified = 0;
  for (const task of waiting) {
    try {
      await client.workflow.getHandle(task.workflowId).signal(DEPENDENCY_FINISHED_SIGNAL, outcome);
      notified++;
    } catch (err) {
      // Not started yet (it reads the stored outcome when it starts) or already closed: nothing to tell.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return notified;
}

export function createDependencyActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    /** The stored outcomes of the task's finished dependencies; those still running are left out. */
    dependencyOutcomes: defineActivity(taskRef, async ({ taskId }): Promise<StoredOutcome[]> => {
      const outcomes: StoredOutcome[] = [];
      for (const id of await store.tasks.dependenciesOf(taskId)) {
        const result = await store.results.get(id);
        if (result) outcomes.push({ taskId: id, status: result.status, reason: result.failureReason });
      }
      return outcomes;
    }),

    /** Tells the tasks waiting for this one how it ended; a retry signals again, which a dependent ignores. */
    notifyDependents: defineActivity(finishedTaskInput, async (outcome) => ({
      notified: await notifyDependentsOf(deps, outcome),
    })),
  };
}
