import path from 'node:path';
import type { Store } from '../db/index.js';
import type { MemoryStore } from '../memory/index.js';
import type { ModelRegistry } from '../models/registry.js';
import type { Task } from '../tasks/task.js';
import { prepareWorktree } from '../workspace/worktree.js';
import { TaskNotFoundError } from './errors.js';

export interface ActivityDeps {
  store: Store;
  models: ModelRegistry;
  memory: MemoryStore;
  /** How many memories an attempt's prompt gets, and how similar they must be. */
  recall: { limit: number; threshold: number };
  /** The registry id of the worker running these activities. */
  agentId: string;
  worktreesDir: string;
  checks: { timeoutSeconds: number; outputLimitBytes: number };
  /** The agent's tool limits from config.limits: longest tool result handed back to the model, largest file written. */
  toolLimits: { maxOutputChars: number; maxFileBytes: number };
}

export async function loadTask(deps: ActivityDeps, taskId: string): Promise<Task> {
  const task = await deps.store.tasks.get(taskId);
  if (!task) throw new TaskNotFoundError(`task ${taskId} is not in the database`);
  return task;
}

/**
 * The task and its worktree, (re)created when missing. Every step calls this, so a step that lands
 * on a fresh worker process continues from the task branch's committed state.
 */
export async function openWorkspace(deps: ActivityDeps, taskId: string) {
  const task = await loadTask(deps, taskId);
  const worktreePath = path.join(deps.worktreesDir, task.id);
  const prepared = await prepareWorktree({ repo: task.repo, baseBranch: task.baseBranch, branch: task.branch, worktreePath });
  return { task, ...prepared };
}
