import { loadTask, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { recordResultInput, taskStatusInput } from './schemas.js';

export function createResultActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    /** Stores the task's one result row and final status; a retry changes nothing. */
    recordResult: defineActivity(recordResultInput, async (input) => {
      const task = await loadTask(deps, input.taskId);
      const recorded = await store.results.recordOnce({
        taskId: input.taskId,
        status: input.status,
        attempts: input.attempts,
        branch: task.branch,
        mergeCommit: input.mergeCommit,
        summary: input.summary,
        failureReason: input.failureReason,
        agentId: deps.agentId,
      });
      if (input.status !== 'succeeded') {
        const branch = await store.branches.get(task.repo, task.branch);
        if (branch)
          await store.branches.upsert({
            ...branch,
            status: input.status === 'failed' ? 'failed' : 'abandoned',
            worktreePath: null,
          });
      }
      return { recorded };
    }),

    /** Records a status the workflow itself decides (waiting for budget approval, and back). */
    recordTaskStatus: defineActivity(taskStatusInput, async ({ taskId, status }) => {
      await store.tasks.setStatus(taskId, status);
    }),
  };
}
