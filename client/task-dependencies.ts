import type { Store } from '../db/index.js';
import type { Task } from '../tasks/task.js';
import { TaskInputError } from './task-input-error.js';

/**
 * Refuses dependencies a new task could never wait for: unknown ids, tasks that already failed or
 * were cancelled, and tasks that land on another repository or base branch (the dependent starts
 * from the base branch holding their merges). Read-only: nothing is written when it throws.
 * A new task cannot close a cycle (nothing existing depends on it); plans check theirs as a whole.
 */
export async function checkDependencies(
  store: Store,
  dependsOn: readonly string[],
  target: { repo: string; baseBranch: string },
): Promise<void> {
  const found = await Promise.all(dependsOn.map(async (id) => [id, await store.tasks.get(id)] as const));
  const unknown = found.filter(([, task]) => !task).map(([id]) => id);
  if (unknown.length > 0) throw new TaskInputError(`unknown dependency task id(s): ${unknown.join(', ')}`);
  for (const [id, task] of found) {
    if (task!.status === 'failed' || task!.status === 'cancelled')
      throw new TaskInputError(`dependency ${id} already ${task!.status}; a task depending on it could never start`);
    if (task!.repo !== target.repo || task!.baseBranch !== target.baseBranch)
      throw new TaskInputError(
        `dependency ${id} lands on ${task!.repo} (${task!.baseBranch}), not on ${target.repo} (${target.baseBranch})`,
      );
  }
}

/** The task's dependencies with their current status. */
export async function dependencyStatuses(store: Store, taskId: string) {
  return Promise.all(
    (await store.tasks.dependenciesOf(taskId)).map(async (id) => ({
      id,
      status: (await store.tasks.get(id))?.status ?? 'unknown',
    })),
  );
}

/** For each blocked task: the dependencies it still waits for. */
export async function waitingFor(store: Store, tasks: Task[]): Promise<Map<string, string[]>> {
  const entries = await Promise.all(
    tasks
      .filter((t) => t.status === 'blocked')
      .map(async (t) => {
        const waiting = (await dependencyStatuses(store, t.id)).filter((d) => d.status !== 'succeeded');
        return [t.id, waiting.map((d) => d.id)] as const;
      }),
  );
  return new Map(entries);
}
