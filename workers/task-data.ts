import type { TaskData } from '../activities/deps.js';
import type { SwarmConfig } from '../config/config.js';
import { dataBranchStores } from '../data-branches/data-branch-stores.js';
import type { Store } from '../db/index.js';
import type { MemoryStore } from '../memory/index.js';
import { openMemory } from '../memory/open-memory.js';
import { openSwarmStore } from './swarm-store.js';

/**
 * A worker's way to each task's data: the task's route in the main data names its data branch,
 * whose store (and memory over it) opens on first use, as this worker opens its main store.
 */
export function taskDataOnBranches(config: SwarmConfig, main: TaskData, env: Record<string, string | undefined>) {
  const stores = dataBranchStores({
    config,
    main: main.store,
    openStore: (database) => openSwarmStore({ ...config, database }, env),
  });
  const memories = new Map<Store, Promise<MemoryStore>>();
  return {
    async resolve(taskId: string): Promise<TaskData> {
      const store = await stores.forTask(taskId);
      if (store === main.store) return main;
      let memory = memories.get(store);
      if (!memory) {
        memory = openMemory(config, store, env);
        memories.set(store, memory);
        memory.catch(() => memories.delete(store));
      }
      return { store, memory: await memory };
    },
    close: () => stores.close(),
  };
}
