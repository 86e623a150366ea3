import { artifactId } from '../agent/attempt-outcome.js';
import { learningsFromTask } from '../memory/index.js';
import { loadTask, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { recordLearningsInput } from './schemas.js';

export function createMemoryActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    /**
     * Stores what a finished task teaches (what changed and why, the errors met and how they were
     * fixed) in the shared memory. Near-duplicates merge, so a retry adds nothing twice.
     */
    recordLearnings: defineActivity(recordLearningsInput, async ({ taskId, status, mergeCommit }) => {
      const task = await loadTask(deps, taskId);
      const attempts = await store.attempts.listForTask(taskId);
      const withFeedback = await Promise.all(
        attempts.map(async (a) => ({
          attempt: a.attempt,
          status: a.status,
          summary: a.summary,
          filesChanged: a.filesChanged,
          commitSha: a.commitSha,
          feedback:
            a.status === 'checks_passed'
              ? null
              : ((await store.artifacts.get(artifactId(taskId, a.attempt, 'feedback'))) ?? null),
        })),
      );
      const learnings = learningsFromTask({
        task: { id: task.id, title: task.title, description: task.description, skills: task.skills },
        branch: task.baseBranch,
        repo: task.repo,
        attempts: withFeedback,
        finalStatus: status,
        mergeCommit,
      });
      const stored = await deps.memory.storeMany(learnings);
      return { stored: stored.filter((s) => !s.merged).length, merged: stored.filter((s) => s.merged).length };
    }),
  };
}
