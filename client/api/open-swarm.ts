import type { Client } from '@temporalio/client';
import { loadConfig, type SwarmConfig } from '../../config/config.js';
import { dataBranchStores } from '../../data-branches/data-branch-stores.js';
import { dataBranches } from '../../data-branches/data-branches.js';
import { openSwarmStore } from '../../workers/swarm-store.js';
import { createSwarmClient, type SwarmClient } from '../swarm-client.js';
import { connectTemporal } from '../temporal-connection.js';
import { dataApi } from './data-api.js';
import { openSwarmOptionsSchema, optionsAsEnv, type OpenSwarmOptions } from './open-options.js';
import { parseInput } from './parse-input.js';
import { tasksApi } from './tasks-api.js';

/**
 * Opens a swarm from code: its database (local file, remote sqld/Turso, or embedded replica, with
 * its data branches) at once, Temporal on the first call that needs it. Configured as the CLI is
 * (config/config.ts): from `options.env` (default process.env) and `swarm.config.json`, with the
 * fields of `options` winning. Close it when done.
 */
export async function openSwarm(options: OpenSwarmOptions = {}) {
  const parsed = parseInput(openSwarmOptionsSchema, options, 'openSwarm options');
  const env = optionsAsEnv(parsed, parsed.env ?? process.env);
  const config: SwarmConfig = loadConfig(env, parsed.cwd ?? process.cwd());
  const main = await openSwarmStore(config, env);
  const data = dataBranchStores({
    config,
    main,
    openStore: (database) => openSwarmStore({ ...config, database }, env),
  });
  let temporal: Promise<Client> | undefined;
  let client: Promise<SwarmClient> | undefined;
  const swarmClient = () =>
    (client ??= (temporal ??= connectTemporal(config)).then((t) =>
      createSwarmClient({ config, store: main, temporal: t, dataStores: data, env }),
    ));
  const { memories, quality } = dataApi(config, data, env);

  return {
    /** The configuration this swarm was opened with (validated). */
    config,
    tasks: tasksApi(swarmClient, data),
    memories,
    quality,
    /** Data branches: isolated copies of the data, merged back table by table (data-branches/). */
    branches: dataBranches(data),
    /** The replica's sync with its primary (replica mode); a status in every mode. */
    sync: {
      syncNow: () => main.sync.syncNow(),
      getStatus: () => main.sync.getStatus(),
    },
    /** The Temporal Web UI page of a task's workflow. */
    workflowUrl: async (taskId: string) => (await swarmClient()).workflowUrl(taskId),
    async close(): Promise<void> {
      await (await temporal?.catch(() => undefined))?.connection.close();
      await data.close();
      main.close();
    },
  };
}
export type Swarm = Awaited<ReturnType<typeof openSwarm>>;
