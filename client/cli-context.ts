import type { Client } from '@temporalio/client';
import { loadConfig, type DatabaseConfig, type SwarmConfig } from '../config/config.js';
import type { DataBranchStores } from '../data-branches/data-branch-stores.js';
import type { Store } from '../db/index.js';
import type { MemoryStore } from '../memory/index.js';
import type { CliIo } from './cli-io.js';
import type { PlanClient } from './plan-client.js';
import type { SwarmClient } from './swarm-client.js';
import { explainTemporalError } from './service-errors.js';
import { jsonForTerminal, safeForTerminal } from './terminal-text.js';

/**
 * What the commands of one `swarm` run share: its output, and resources opened on first use
 * (their modules imported then too), so `swarm task list` never needs Temporal and `--help` needs nothing.
 */
export class CliContext {
  /** Set by a command that finished but did not succeed (e.g. `task create --wait` of a failed task). */
  exitCode = 0;
  private loadedConfig?: SwarmConfig;
  private storePromise?: Promise<Store>;
  private temporalPromise?: Promise<Client>;
  private dataStoresPromise?: Promise<DataBranchStores>;

  constructor(readonly io: CliIo) {}

  get config(): SwarmConfig {
    this.loadedConfig ??= loadConfig(this.io.env, this.io.cwd);
    return this.loadedConfig;
  }

  /** One line of output (or several), with anything a terminal would act on made visible. */
  log(line: string): void {
    this.io.writeOut(safeForTerminal(line, { multiline: true }) + '\n');
  }

  /** A command's result: as JSON with `--json` (control characters escaped), else as text. */
  print(json: boolean | undefined, value: unknown, text: () => string): void {
    if (json) this.io.writeOut(jsonForTerminal(value) + '\n');
    else this.log(text());
  }

  /** The database; every call on it fails after SWARM_CLI_TIMEOUT_SECONDS with a message naming it. */
  store(): Promise<Store> {
    this.storePromise ??= this.openStoreFor(this.config.database);
    return this.storePromise;
  }

  /** A database opened as a worker opens it (writes redacted with this process's secrets), every call bounded. */
  private async openStoreFor(database: DatabaseConfig): Promise<Store> {
    const { embeddingDimensions, cliTimeoutSeconds: timeoutSeconds, limits } = this.config;
    const [{ openGuardedStore }, { processRedactor }] = await Promise.all([
      import('./database-guard.js'),
      import('../workers/swarm-store.js'),
    ]);
    return openGuardedStore(database, {
      embeddingDimensions,
      timeoutSeconds,
      redactor: processRedactor(this.config, this.io.env),
      limits,
    });
  }

  /** The data branches' stores over the main one, each opened (bounded) on first use. */
  dataStores(): Promise<DataBranchStores> {
    this.dataStoresPromise ??= Promise.all([import('../data-branches/data-branch-stores.js'), this.store()]).then(
      ([{ dataBranchStores }, main]) =>
        dataBranchStores({ config: this.config, main, openStore: (database) => this.openStoreFor(database) }),
    );
    return this.dataStoresPromise;
  }

  async memory(): Promise<MemoryStore> {
    const { openMemory } = await import('../memory/open-memory.js');
    return openMemory(this.config, await this.store(), this.io.env);
  }

  /** Temporal; every call on it but the wait for a result fails after SWARM_CLI_TIMEOUT_SECONDS. */
  temporal(): Promise<Client> {
    const config = this.config;
    this.temporalPromise ??= import('./temporal-connection.js').then(({ connectTemporal }) =>
      connectTemporal(config, { callTimeoutMs: config.cliTimeoutSeconds * 1000 }),
    );
    return this.temporalPromise;
  }

  /** The error as the user should read it: a Temporal timeout or outage names the server. */
  explain(err: unknown): unknown {
    if (!this.loadedConfig || !this.temporalPromise) return err;
    return explainTemporalError(err, this.loadedConfig.temporal.address, this.loadedConfig.cliTimeoutSeconds);
  }

  async client(): Promise<SwarmClient> {
    const { createSwarmClient } = await import('./swarm-client.js');
    return createSwarmClient({
      config: this.config,
      store: await this.store(),
      temporal: await this.temporal(),
      dataStores: await this.dataStores(),
      env: this.io.env,
    });
  }

  async planClient(): Promise<PlanClient> {
    const { createPlanClient } = await import('./plan-client.js');
    return createPlanClient({
      config: this.config,
      store: await this.store(),
      temporal: await this.temporal(),
      env: this.io.env,
    });
  }

  async close(): Promise<void> {
    await (await this.temporalPromise?.catch(() => undefined))?.connection.close();
    await (await this.dataStoresPromise?.catch(() => undefined))?.close();
    (await this.storePromise?.catch(() => undefined))?.close();
  }
}
