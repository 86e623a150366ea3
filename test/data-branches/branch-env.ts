import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type SwarmConfig } from '../../config/config.js';
import type { Store } from '../../db/index.js';
import { dataBranchStores, type DataBranchStores } from '../../data-branches/data-branch-stores.js';
import { dataBranches, type DataBranches } from '../../data-branches/data-branches.js';
import { openSwarmStore } from '../../workers/swarm-store.js';
import { tempDir } from '../helpers/test-env.js';

export type Backend = 'file' | 'sqld';

/** A fresh main namespace on the shared namespaced sqld, so test files never share main data. */
export async function freshNamespace(): Promise<string> {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  const { adminUrl } = inject('namespacedSqld');
  const created = await fetch(`${adminUrl}/v1/namespaces/${namespace}/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (!created.ok) throw new Error(`cannot create namespace ${namespace}: ${await created.text()}`);
  return namespace;
}

/** Env for a swarm whose main data is a local file (`file`) or a fresh namespace of the namespaced sqld (`sqld`). */
export async function branchEnv(backend: Backend, home: string): Promise<Record<string, string>> {
  const base = { SWARM_HOME: home, SWARM_EMBEDDING_DIMENSIONS: '64' };
  if (backend === 'file') return base;
  const { url, adminUrl } = inject('namespacedSqld');
  return {
    ...base,
    SWARM_DB_MODE: 'remote',
    TURSO_DATABASE_URL: url,
    SWARM_DB_NAMESPACE: await freshNamespace(),
    SWARM_SQLD_ADMIN_URL: adminUrl,
  };
}

export interface BranchFixture {
  config: SwarmConfig;
  env: Record<string, string>;
  main: Store;
  stores: DataBranchStores;
  branches: DataBranches;
  close(): Promise<void>;
}

/** The main store, the branch stores over it and the data-branch service, for one backend. */
export async function openBranchFixture(backend: Backend): Promise<BranchFixture> {
  const home = tempDir(`branches-${backend}`);
  const env = await branchEnv(backend, home);
  const config = loadConfig(env, home);
  const main = await openSwarmStore(config, env);
  const stores = dataBranchStores({
    config,
    main,
    openStore: (database) => openSwarmStore({ ...config, database }, env),
  });
  return {
    config,
    env,
    main,
    stores,
    branches: dataBranches(stores),
    async close() {
      await stores.close();
      main.close();
    },
  };
}

export const dataPath = (config: SwarmConfig) =>
  config.database.mode === 'local' ? path.dirname(config.database.path) : null;
