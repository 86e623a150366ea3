import type { DataBranchStores } from './data-branch-stores.js';
import { DataBranchInputError } from './errors.js';
import { mergeDatabases, type MergeReport } from './merge.js';
import { MAIN, parseBranchName } from './names.js';
import type { DataBranchRecord } from './registry.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export interface DataBranchDetails extends DataBranchRecord {
  /** What the branch's database holds now. */
  counts: { tasks: number; memories: number; routedTasks: number; unfinishedTasks: number };
}

/**
 * Data branches: isolated copies of the swarm's data, made, listed, merged and deleted through the
 * configured backend (backends.ts). The registry lives in the main data.
 */
export function dataBranches(stores: DataBranchStores) {
  const { registry } = stores;

  const existing = async (name: string): Promise<DataBranchRecord> => {
    const record = await registry.get(name);
    if (!record) throw new DataBranchInputError(`there is no data branch "${name}" (see "swarm db branch list")`);
    return record;
  };

  /** Routed tasks still running on the branch: a merge or delete now would split their records. */
  const unfinishedTasks = async (name: string): Promise<string[]> => {
    const store = await stores.forBranch(name);
    const unfinished: string[] = [];
    for (const id of await registry.tasksOn(name)) {
      const task = await store.tasks.get(id);
      if (task && !FINISHED.has(task.status)) unfinished.push(id);
    }
    return unfinished;
  };
  const refuseWhileRunning = async (name: string, what: string) => {
    const running = await unfinishedTasks(name);
    if (running.length > 0)
      throw new DataBranchInputError(
        `cannot ${what} data branch "${name}" while its tasks run: ${running.join(', ')} (wait for them or cancel them)`,
      );
  };

  return {
    /** Makes `name` a copy of `from` (default `main`) as it is now. */
    async create(nameInput: unknown, options: { from?: unknown } = {}): Promise<DataBranchRecord> {
      const name = parseBranchName(nameInput, 'branch name');
      const from = parseBranchName(options.from ?? MAIN, '--from', { allowMain: true });
      const parent = from === MAIN ? null : await existing(from);
      const backend = stores.backend();
      const location = backend.locationFor(name);
      if (!(await registry.insert({ name, parent: from, backend: backend.kind, location })))
        throw new DataBranchInputError(`data branch "${name}" already exists`);
      try {
        await backend.create(location, parent?.location ?? null, (await stores.forBranch(from)).db);
        await registry.setLocation(name, location);
      } catch (err) {
        await backend.delete(location).catch(() => undefined);
        await registry.delete(name);
        throw err;
      }
      return existing(name);
    },

    list: (): Promise<DataBranchRecord[]> => registry.list(),

    async show(nameInput: unknown): Promise<DataBranchDetails> {
      const record = await existing(parseBranchName(nameInput, 'branch name'));
      const store = await stores.forBranch(record.name);
      const count = async (sql: string) => Number((await store.db.execute(sql)).rows[0]?.n ?? 0);
      return {
        ...record,
        counts: {
          tasks: await count('SELECT count(*) AS n FROM tasks'),
          memories: await count('SELECT count(*) AS n FROM memories'),
          routedTasks: (await registry.tasksOn(record.name)).length,
          unfinishedTasks: (await unfinishedTasks(record.name)).length,
        },
      };
    },

    /**
     * Copies what the branch holds into `into` (default `main`), one transaction (merge.ts); then the
     * branch's tasks are looked up in `into`. Refused while a task on the branch still runs.
     */
    async merge(nameInput: unknown, options: { into?: unknown } = {}): Promise<MergeReport> {
      const name = parseBranchName(nameInput, 'branch name');
      const into = parseBranchName(options.into ?? MAIN, '--into', { allowMain: true });
      if (into === name) throw new DataBranchInputError(`cannot merge data branch "${name}" into itself`);
      await existing(name);
      if (into !== MAIN) await existing(into);
      await refuseWhileRunning(name, 'merge');
      const [source, target] = await Promise.all([stores.forBranch(name), stores.forBranch(into)]);
      const report = await mergeDatabases(source.db, target.db, { source: name, target: into });
      await registry.moveRoutes(await registry.tasksOn(name), into === MAIN ? null : into);
      await registry.recordMerge(name, into);
      return report;
    },

    /** Removes the branch and its database; its unmerged data is gone. Refused while a task on it runs. */
    async delete(nameInput: unknown): Promise<void> {
      const record = await existing(parseBranchName(nameInput, 'branch name'));
      await refuseWhileRunning(record.name, 'delete');
      await stores.forget(record.name);
      await stores.backend().delete(record.location);
      await registry.delete(record.name);
    },
  };
}
export type DataBranches = ReturnType<typeof dataBranches>;
