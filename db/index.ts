import type { DatabaseConfig } from '../config/config.js';
import { agentTurnsRepository } from './agent-turns-repository.js';
import { agentsRepository } from './agents-repository.js';
import { artifactsRepository } from './artifacts-repository.js';
import { attemptsRepository } from './attempts-repository.js';
import { branchesRepository } from './branches-repository.js';
import { checkRunsRepository } from './check-runs-repository.js';
import { openDatabase, type Db } from './client.js';
import { migrate } from './migrations.js';
import { modelCallsRepository } from './model-calls-repository.js';
import { plansRepository } from './plans-repository.js';
import { createPersist, type StoreOptions } from './persist.js';
import { qualityRepository } from './quality-repository.js';
import { replicaSync, staticSync, type DataSync } from './replica-sync.js';
import { resultsRepository } from './results-repository.js';
import { statsRepository } from './stats-repository.js';
import { tasksRepository } from './tasks-repository.js';

export { DEFAULT_STORE_LIMITS, type StoreLimits, type StoreOptions } from './persist.js';
export type { DataSync } from './replica-sync.js';
export type { SyncStatus } from './sync-status.js';

/**
 * Every repository over one connection; what services and activities receive as `store`. Each text
 * they write passes `persist` (db/persist.ts): redacted with `options.redactor`, capped at `options.limits`.
 */
export function createStore(db: Db, options: StoreOptions & { sync?: DataSync } = {}) {
  const persist = createPersist(options);
  const sync = options.sync ?? staticSync({ mode: 'local', path: '' });
  return {
    db,
    /** How this database reaches its primary: status and on-demand sync (db/replica-sync.ts). */
    sync,
    /** The redactor of this store's writes; the memory store (memory/open-memory.ts) writes through it too. */
    redactor: persist.redactor,
    tasks: tasksRepository(db, persist),
    attempts: attemptsRepository(db, persist),
    checkRuns: checkRunsRepository(db, persist),
    results: resultsRepository(db, persist),
    agents: agentsRepository(db),
    branches: branchesRepository(db),
    artifacts: artifactsRepository(db, persist),
    agentTurns: agentTurnsRepository(db, persist),
    modelCalls: modelCallsRepository(db),
    quality: qualityRepository(db, persist),
    plans: plansRepository(db, persist),
    stats: statsRepository(db),
    close: () => {
      sync.stop();
      db.close();
    },
  };
}
export type Store = ReturnType<typeof createStore>;

/**
 * Opens the configured database, brings its schema up to date and returns the store. The redactor
 * is required: a process opening the store must say which secrets it holds (workers/swarm-store.ts).
 */
export async function openStore(
  config: DatabaseConfig,
  options: { embeddingDimensions: number } & StoreOptions & Required<Pick<StoreOptions, 'redactor'>>,
): Promise<Store> {
  const db = await openDatabase(config);
  try {
    await migrate(db, options);
  } catch (err) {
    db.close();
    throw err;
  }
  const sync = config.mode === 'replica' ? replicaSync(db, config) : staticSync(config);
  return createStore(db, { redactor: options.redactor, limits: options.limits, sync });
}
