import type { AgentDeps } from './agent-deps.js';
import type { AttemptRequest } from './attempt-context.js';

/**
 * Records that this worker runs the attempt: the attempt's row on its first step, then the task's
 * status and the worker's current task on every step (a later turn may land on another worker).
 */
export async function markAttemptRunning(
  deps: Pick<AgentDeps, 'store' | 'agentId'>,
  request: AttemptRequest,
  firstStep: boolean,
): Promise<void> {
  const { store, agentId } = deps;
  const { task, attempt, modelType, feedbackArtifactId } = request;
  if (firstStep) await store.attempts.start({ taskId: task.id, attempt, modelType, agentId, feedbackArtifactId });
  await store.tasks.setStatus(task.id, 'running_agent', { attempt });
  await store.agents.setCurrentTask(agentId, task.id);
}
