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
import { qualityRepository } from './quality-repository.js';
import { resultsRepository } from './results-repository.js';
import { tasksRepository } from './tasks-repository.js';

/** Every repository over one connection; what services and activities receive as `store`. */
export function createStore(db: Db) {
  return {
    db,
    tasks: tasksRepository(db),
    attempts: attemptsRepository(db),
    checkRuns: checkRunsRepository(db),
    results: resultsRepository(db),
    agents: agentsRepository(db),
    branches: branchesRepository(db),
    artifacts: artifactsRepository(db),
    agentTurns: agentTurnsRepository(db),
    modelCalls: modelCallsRepository(db),
    quality: qualityRepository(db),
    close: () => db.close(),
  };
}
export type Store = ReturnType<typeof createStore>;

/** Opens the configured database, brings its schema up to date and returns the store. */
export async function openStore(config: DatabaseConfig, options: { embeddingDimensions: number }): Promise<Store> {
  const db = await openDatabase(config);
  try {
    await migrate(db, options);
  } catch (err) {
    db.close();
    throw err;
  }
  return createStore(db);
}
