import { condition, defineSignal, setHandler } from '@temporalio/workflow';
import { DEPENDENCY_FINISHED_SIGNAL } from '../tasks/task.js';
import type { TaskSteps } from './task-activities.js';

/** How a task the workflow depends on ended. */
export interface DependencyOutcome {
  taskId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  reason: string | null;
}

/** Sent by a finishing task (its notifyDependents step) to each task waiting for it. */
export const dependencyFinishedSignal = defineSignal<[DependencyOutcome]>(DEPENDENCY_FINISHED_SIGNAL);

/** A dependency failed or was cancelled: the waiting task fails with this reason. */
export class DependencyFailed extends Error {}

/**
 * The dependencies a task waits for. The handler is set when the workflow starts, so a signal that
 * arrives before the task reads its dependencies' stored outcomes is kept; reading once and then
 * waiting for signals loses no notification in either order, and costs nothing while waiting.
 */
export function createDependencyGate(dependsOn: readonly string[]) {
  const outcomes = new Map<string, DependencyOutcome>();
  const record = (outcome: DependencyOutcome) => {
    if (dependsOn.includes(outcome.taskId) && !outcomes.has(outcome.taskId)) outcomes.set(outcome.taskId, outcome);
  };
  setHandler(dependencyFinishedSignal, record);

  const failed = () => [...outcomes.values()].find((o) => o.status !== 'succeeded');
  const waitingFor = () => dependsOn.filter((id) => outcomes.get(id)?.status !== 'succeeded');

  return {
    waitingFor,
    /** Resolves when every dependency succeeded; throws DependencyFailed when one did not. */
    async wait(steps: TaskSteps, taskId: string): Promise<void> {
      const stored = await steps.dependencyOutcomes({ taskId });
      for (const outcome of stored) record(outcome);
      await condition(() => failed() !== undefined || waitingFor().length === 0);
      const failure = failed();
      if (failure) {
        const how = failure.status === 'cancelled' ? 'was cancelled' : 'failed';
        throw new DependencyFailed(`dependency ${failure.taskId} ${how}${failure.reason ? `: ${failure.reason}` : ''}`);
      }
    },
  };
}
