import path from 'node:path';
import type { Store } from '../db/index.js';
import type { MemoryStore } from '../memory/index.js';
import type { ModelRegistry } from '../models/registry.js';
import type { Sandbox } from '../process/sandbox.js';
import { taskSandbox, type SandboxSettings } from '../process/task-sandbox.js';
import type { Task } from '../tasks/task.js';
import type { RemoteAccess } from '../workspace/remote-access.js';
import { isRemoteRepo } from '../tasks/repo-location.js';
import { prepareWorktree } from '../workspace/worktree.js';
import { DatabaseUnavailableError } from '../db/offline-replica.js';
import { TaskNotFoundError } from './errors.js';
import { withHeartbeat } from './heartbeat.js';

/** The store and memory holding one task's records: its data branch's, or the main data's. */
export interface TaskData {
  store: Store;
  memory: MemoryStore;
}

export interface ActivityDeps {
  /** The main data; inside an activity call, the task's own data (task-data-scope.ts). */
  store: Store;
  models: ModelRegistry;
  memory: MemoryStore;
  /** How many memories an attempt's prompt gets, and how similar they must be. */
  recall: { limit: number; threshold: number };
  /** The registry id of the worker running these activities. */
  agentId: string;
  worktreesDir: string;
  /** This worker's mirrors of remote repositories and the credentials its network gits get (tasks by URL). */
  remotes?: RemoteAccess;
  /** Check limits, and where installed dependency trees are shared (see workspace/dependencies.ts). */
  checks: { timeoutSeconds: number; outputLimitBytes: number; dependencyCacheDir?: string };
  /** The agent's tool limits from config.limits: longest tool result handed back to the model, largest file written. */
  toolLimits: { maxOutputChars: number; maxFileBytes: number };
  /** How agent commands, checks, installs and CLIs are confined (probed at worker start). */
  sandbox: SandboxSettings;
  /** How many queued tasks the merge queue tests as one batch. */
  landing: { batchSize: number };
  /**
   * Opens the data of the data branch a task is on (a worker builds it from data-branches/); absent,
   * every task's data is the main data.
   */
  taskData?: (taskId: string) => Promise<TaskData>;
  /**
   * Runs `work` with `store` and `memory` bound to one task's data: for activities whose input holds
   * several tasks (the merge queue's), which the per-call scope cannot pick for them.
   */
  inTaskData?: <T>(taskId: string, work: () => Promise<T>) => Promise<T>;
}

/** The workflow running the current activity (activities always run for one here). */
export function callerWorkflowId(info: { workflowExecution?: { workflowId: string } }): string {
  const id = info.workflowExecution?.workflowId;
  if (!id) throw new Error('this activity must run inside a workflow');
  return id;
}

/**
 * The task's sandbox for a command in `worktree` (its worktree, or a temporary checkout of it).
 * Only dependency installs and coding-agent CLIs get the network.
 */
export function sandboxFor(
  deps: ActivityDeps,
  task: Task,
  worktree: string,
  options: { network: boolean },
): Promise<Sandbox> {
  // A remote task's git dirs are in the worker's mirror (under SWARM_HOME, hidden but for them); no clone to hide.
  const repo = isRemoteRepo(task.repo) ? undefined : task.repo;
  return taskSandbox(deps.sandbox, { key: task.id, worktree, ...(repo ? { repo } : {}), network: options.network });
}

/**
 * Syncs an embedded replica from its primary; false for other databases (they have nothing to pull).
 * A replica that cannot reach its primary is an outage (retried), not a missing task.
 */
async function syncedReplica(store: Store): Promise<boolean> {
  if ((await store.sync.getStatus()).mode !== 'replica') return false;
  try {
    await store.sync.syncNow();
    return true;
  } catch (err) {
    throw new DatabaseUnavailableError(`cannot sync the replica from its primary: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * The task's record. An embedded replica may not have synced a task that was just created through
 * another client: it syncs once before the task counts as missing (which fails the task for good).
 */
export async function loadTask(deps: ActivityDeps, taskId: string): Promise<Task> {
  let task = await deps.store.tasks.get(taskId);
  if (!task && (await syncedReplica(deps.store))) task = await deps.store.tasks.get(taskId);
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
  const prepared = await whileOnRemote(task, 'prepare-worktree', () =>
    prepareWorktree({
      repo: task.repo,
      baseBranch: task.baseBranch,
      branch: task.branch,
      worktreePath,
      ...(deps.remotes ? { remote: deps.remotes } : {}),
    }),
  );
  return { task, ...prepared };
}

/**
 * Runs `work` heartbeating when the task's repository is a remote: a first fetch of a large
 * repository (or a slow push) takes longer than a step's heartbeat timeout. Local work is as before.
 */
export function whileOnRemote<T>(task: Task, step: string, work: () => Promise<T>): Promise<T> {
  return isRemoteRepo(task.repo) ? withHeartbeat(step, work) : work();
}
