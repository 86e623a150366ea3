import path from 'node:path';
import type { AttemptRequest } from '../../agent/attempt-context.js';
import type { Store } from '../../db/index.js';
import type { NewTask } from '../../db/tasks-repository.js';
import { prepareWorktree } from '../../workspace/worktree.js';

/** A task row and its prepared worktree (under `dir/worktrees`), as the workspace activity would leave them. */
export async function attemptOn(
  where: { store: Store; repo: string; dir: string },
  id: string,
  description: string,
  modelType: string,
): Promise<AttemptRequest> {
  const { store, repo, dir } = where;
  const task: NewTask = {
    id,
    title: `Task ${id}`,
    description,
    priority: 'medium',
    skills: [],
    acceptanceCriteria: [],
    repo,
    baseBranch: 'main',
    branch: `swarm/${id}`,
    modelType,
    maxAttempts: 3,
    workflowId: `task-${id}`,
    budget: { maxTokens: null, maxCostUsd: null },
  };
  await store.tasks.insert(task);
  const worktreePath = path.join(dir, 'worktrees', id);
  await prepareWorktree({ repo, baseBranch: 'main', branch: task.branch, worktreePath });
  return { task: (await store.tasks.get(id))!, worktreePath, attempt: 1, modelType, feedbackArtifactId: null };
}
