import { z } from 'zod';
import type { TaskStatus } from '../../tasks/task.js';
import { PRIORITIES, TASK_STATUSES } from '../../tasks/task.js';
import { dataBranchName } from '../../tasks/data-branch-name.js';
import type { SwarmClient } from '../swarm-client.js';
import type { DataBranchStores } from '../../data-branches/data-branch-stores.js';
import { TaskInputError } from '../task-input-error.js';
import { parseInput } from './parse-input.js';

const FINISHED = new Set<TaskStatus>(['succeeded', 'failed', 'cancelled']);

/** One status a watched task went through. */
export interface TaskStatusChange {
  taskId: string;
  status: TaskStatus;
  attempt: number;
  at: string;
  /** True for the last change: the task finished. */
  finished: boolean;
}

const listSchema = z
  .object({
    status: z.enum(TASK_STATUSES).optional(),
    limit: z.number().int().min(1).max(1000).default(50),
    dataBranch: dataBranchName.optional(),
  })
  .strict();
const watchSchema = z.object({ intervalMs: z.number().int().min(50).max(60_000).default(500) }).strict();
const taskIdSchema = z.string().min(1, 'a task id is needed').max(100);

/** `swarm.tasks`: the seed's names (`create`, `get`, `list`, `watch`, `cancel`, `approve`) over the swarm client. */
export function tasksApi(client: () => Promise<SwarmClient>, data: DataBranchStores) {
  const get = async (taskId: unknown) => {
    const id = parseInput(taskIdSchema, taskId, 'task id');
    return (await data.forTask(id)).tasks.get(id);
  };
  return {
    /** `{ title, description, priority, requiredSkills | skills, repo, … , dataBranch }`; starts its workflow. */
    async create(input: Record<string, unknown>) {
      const { requiredSkills, ...rest } = parseInput(
        z.looseObject({ requiredSkills: z.array(z.string()).optional(), priority: z.enum(PRIORITIES).optional() }),
        input,
        'task',
      );
      return (await client()).createTask(requiredSkills ? { ...rest, skills: requiredSkills } : rest);
    },
    get,
    /** Everything stored about it, with the live workflow state while it runs. */
    show: async (taskId: unknown) => (await client()).showTask(parseInput(taskIdSchema, taskId, 'task id')),
    async list(query: z.input<typeof listSchema> = {}) {
      const q = parseInput(listSchema, query, 'task list query');
      const store = q.dataBranch ? await data.forBranch(q.dataBranch) : data.main;
      return store.tasks.list({ status: q.status, limit: q.limit });
    },
    /** Each status the task goes through from now on (the current one first), until it finishes. */
    async *watch(taskId: unknown, options: z.input<typeof watchSchema> = {}): AsyncGenerator<TaskStatusChange> {
      const { intervalMs } = parseInput(watchSchema, options, 'watch options');
      let last: string | null = null;
      for (;;) {
        const task = await get(taskId);
        if (!task) throw new TaskInputError(`no task with id "${String(taskId)}"`);
        const key = `${task.status}/${task.currentAttempt}`;
        if (key !== last) {
          last = key;
          const finished = FINISHED.has(task.status);
          yield { taskId: task.id, status: task.status, attempt: task.currentAttempt, at: task.updatedAt, finished };
          if (finished) return;
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    },
    cancel: async (taskId: unknown) => (await client()).cancelTask(parseInput(taskIdSchema, taskId, 'task id')),
    /** Lets a task waiting over its budget go on (`{ addTokens, addCostUsd }`; none lifts its limits). */
    approve: async (taskId: unknown, approval: { addTokens?: number; addCostUsd?: number; by?: string } = {}) =>
      (await client()).approveBudget(parseInput(taskIdSchema, taskId, 'task id'), approval),
    /** Waits for the task to finish; its stored result. */
    wait: async (taskId: unknown) => (await client()).waitForResult(parseInput(taskIdSchema, taskId, 'task id')),
  };
}
