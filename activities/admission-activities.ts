import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { defineActivity } from './errors.js';

export const admissionRequestInput = z.object({
  admissionWorkflowId: z.string().min(1),
  taskQueue: z.string().min(1),
  modelType: z.string().min(1),
  slots: z.number().int().min(1),
  workflowId: z.string().min(1),
  priorityKey: z.number().int().min(1).max(5),
});

export function createAdmissionActivities() {
  return {
    /** Asks the model type's admission workflow for a slot, starting that workflow if it is not running. */
    requestAdmission: defineActivity(admissionRequestInput, async (request) => {
      await Context.current().client.workflow.signalWithStart('admissionWorkflow', {
        workflowId: request.admissionWorkflowId,
        taskQueue: request.taskQueue,
        args: [{ modelType: request.modelType, slots: request.slots }],
        signal: 'requestSlot',
        signalArgs: [{ workflowId: request.workflowId, priorityKey: request.priorityKey, slots: request.slots }],
      });
    }),

    /** Of these workflows, the ones no longer running. */
    closedWorkflows: defineActivity(z.object({ workflowIds: z.array(z.string()) }), async ({ workflowIds }) => {
      const client = Context.current().client;
      const closed: string[] = [];
      for (const id of workflowIds) {
        try {
          const { status } = await client.workflow.getHandle(id).describe();
          if (status.name !== 'RUNNING') closed.push(id);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          closed.push(id);
        }
      }
      return closed;
    }),
  };
}
