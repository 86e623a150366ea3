import { AsyncLocalStorage } from 'node:async_hooks';
import type { ActivityDeps, TaskData } from './deps.js';
import { toActivityFailure } from './errors.js';

type ActivityFn = (...args: never[]) => Promise<unknown>;

/**
 * Runs each activity against its task's data: the store and memory of the data branch the task is
 * on (deps.taskData), found from the task id in the activity's input. The activity factories keep
 * using `deps.store` and `deps.memory`; inside a call these resolve to the task's own, so one worker
 * serves tasks on any branch at once and no activity can reach another branch's data by accident.
 * Without a resolver, or for an input without a task id, they are the main data.
 */
export function scopedToTaskData(deps: ActivityDeps) {
  const resolve = deps.taskData;
  if (!resolve) return { deps, wrap: <A extends Record<string, ActivityFn>>(activities: A): A => activities };
  const current = new AsyncLocalStorage<TaskData>();
  const following = <T extends object>(main: T, pick: (data: TaskData) => T): T =>
    new Proxy(main, {
      get(target, property) {
        const data = current.getStore();
        const owner = data ? pick(data) : target;
        const value: unknown = Reflect.get(owner, property);
        return typeof value === 'function' ? value.bind(owner) : value;
      },
    });
  const inTaskData = async <T>(taskId: string, work: () => Promise<T>): Promise<T> => {
    let data: TaskData;
    try {
      data = await resolve(taskId);
    } catch (err) {
      throw toActivityFailure(err);
    }
    return current.run(data, work);
  };
  const scopedDeps: ActivityDeps = {
    ...deps,
    store: following(deps.store, (d) => d.store),
    memory: following(deps.memory, (d) => d.memory),
    inTaskData,
  };
  const wrap = <A extends Record<string, ActivityFn>>(activities: A): A =>
    Object.fromEntries(
      Object.entries(activities).map(([name, fn]) => [
        name,
        async (...args: never[]) => {
          const taskId = (args[0] as { taskId?: unknown } | undefined)?.taskId;
          if (typeof taskId !== 'string') return fn(...args);
          return inTaskData(taskId, () => fn(...args));
        },
      ]),
    ) as A;
  return { deps: scopedDeps, wrap };
}
