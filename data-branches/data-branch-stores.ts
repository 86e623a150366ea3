import type { DatabaseConfig, SwarmConfig } from '../config/config.js';
import type { Store } from '../db/index.js';
import type { DataBranchBackend } from './backend.js';
import { dataBranchBackend } from './backends.js';
import { DataBranchInputError } from './errors.js';
import { MAIN } from './names.js';
import { dataBranchRegistry } from './registry.js';

export interface DataBranchStoresOptions {
  config: Pick<SwarmConfig, 'database' | 'dataBranches'>;
  /** The main data's store: it also holds the branch registry and the task routes. */
  main: Store;
  /** Opens (and migrates) a branch's database the way this process opens its main one. */
  openStore: (database: DatabaseConfig) => Promise<Store>;
}

/**
 * The store of each data branch, opened on first use and kept for the process's life, and the
 * store of each task: the branch its route in the main data names, else the main data. Workers and
 * the CLI find a task's database this way, from the task, never from a process-wide switch.
 */
export function dataBranchStores({ config, main, openStore }: DataBranchStoresOptions) {
  const registry = dataBranchRegistry(main.db);
  const opened = new Map<string, Promise<Store>>();
  let backend: DataBranchBackend | undefined;
  const backendOf = () => (backend ??= dataBranchBackend(config));

  const forBranch = async (name: string): Promise<Store> => {
    if (name === MAIN) return main;
    let store = opened.get(name);
    if (!store) {
      store = (async () => {
        const record = await registry.get(name);
        if (!record) throw new DataBranchInputError(`there is no data branch "${name}" (see "swarm db branch list")`);
        return openStore(await backendOf().databaseConfig(record.location));
      })();
      opened.set(name, store);
      store.catch(() => opened.delete(name));
    }
    return store;
  };

  return {
    main,
    registry,
    backend: backendOf,
    forBranch,
    /** The name of the data branch a task's records are on (`main` when it has no route). */
    async branchOfTask(taskId: string): Promise<string> {
      let branch = await registry.branchOfTask(taskId);
      if (branch === null && config.database.mode === 'replica' && !(await main.tasks.get(taskId))) {
        // An embedded replica may not yet hold a route another client just wrote.
        await main.sync.syncNow().catch(() => undefined);
        branch = await registry.branchOfTask(taskId);
      }
      return branch ?? MAIN;
    },
    async forTask(taskId: string): Promise<Store> {
      return forBranch(await this.branchOfTask(taskId));
    },
    /** Closes the branch's store (before its database is deleted). */
    async forget(name: string): Promise<void> {
      const store = opened.get(name);
      opened.delete(name);
      (await store?.catch(() => undefined))?.close();
    },
    /** Closes every branch store this opened (not the main one). */
    async close(): Promise<void> {
      const stores = [...opened.values()];
      opened.clear();
      for (const store of await Promise.all(stores.map((s) => s.catch(() => undefined)))) store?.close();
    },
  };
}
export type DataBranchStores = ReturnType<typeof dataBranchStores>;
