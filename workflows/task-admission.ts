import { condition, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { releaseSlotSignal, slotGrantedSignal } from './admission-workflow.js';
import type { TaskSteps } from './task-activities.js';
import type { TaskWorkflowInput } from './task-types.js';

/**
 * The task's slot with its model type's admission workflow, when the model type limits its tasks
 * in flight: acquired before the worktree is made, released after it is removed.
 */
export function createAdmissionSlot(admission: TaskWorkflowInput['admission']) {
  let granted = false;
  setHandler(slotGrantedSignal, () => {
    granted = true;
  });
  return {
    async acquire(steps: TaskSteps): Promise<void> {
      if (!admission) return;
      await steps.requestAdmission({
        ...admission,
        admissionWorkflowId: admission.workflowId,
        workflowId: workflowInfo().workflowId,
      });
      await condition(() => granted);
    },
    async release(): Promise<void> {
      if (!admission) return;
      try {
        await getExternalWorkflowHandle(admission.workflowId).signal(releaseSlotSignal, {
          workflowId: workflowInfo().workflowId,
        });
      } catch {
        // No admission workflow to tell: it finds this task closed when it checks its holders.
      }
    },
  };
}
