import type { Client } from '@temporalio/client';
import { loadConfig, type SwarmConfig } from '../config/config.js';
import type { Store } from '../db/index.js';
import type { MemoryStore } from '../memory/index.js';
import type { CliIo } from './cli-io.js';
import type { SwarmClient } from './swarm-client.js';

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

  constructor(readonly io: CliIo) {}

  get config(): SwarmConfig {
    this.loadedConfig ??= loadConfig(this.io.env, this.io.cwd);
    return this.loadedConfig;
  }

  /** One line of output. */
  log(line: string): void {
    this.io.writeOut(line + '\n');
  }

  /** A command's result: as JSON with `--json`, else as text. */
  print(json: boolean | undefined, value: unknown, text: () => string): void {
    this.log(json ? JSON.stringify(value, null, 2) : text());
  }

  store(): Promise<Store> {
    this.storePromise ??= import('../workers/swarm-store.js').then(({ openSwarmStore }) => openSwarmStore(this.config, this.io.env));
    return this.storePromise;
  }

  async memory(): Promise<MemoryStore> {
    const { openMemory } = await import('../memory/open-memory.js');
    return openMemory(this.config, await this.store(), this.io.env);
  }

  temporal(): Promise<Client> {
    const config = this.config;
    this.temporalPromise ??= import('./temporal-connection.js').then(({ connectTemporal }) => connectTemporal(config));
    return this.temporalPromise;
  }

  async client(): Promise<SwarmClient> {
    const { createSwarmClient } = await import('./swarm-client.js');
    return createSwarmClient({ config: this.config, store: await this.store(), temporal: await this.temporal() });
  }

  async close(): Promise<void> {
    await (await this.temporalPromise?.catch(() => undefined))?.connection.close();
    (await this.storePromise?.catch(() => undefined))?.close();
  }
}
