import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import { createSwarmClient } from '../../client/swarm-client.js';
import { loadConfig, type SwarmConfig } from '../../config/config.js';
import type { Store } from '../../db/index.js';
import { openSwarmStore } from '../../workers/swarm-store.js';
import { createTaskWorker } from '../../workers/task-worker.js';
import type { MemoryStore } from '../../memory/index.js';
import { openMemory } from '../../memory/open-memory.js';
import type {} from '../provided-context.js';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `jetpack-${prefix}-`));
}

/** Env for a swarm process (CLI or worker) pointed at the test servers and a private home. */
export function testProcessEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SWARM_HOME: home,
    // Test files run in parallel against one Temporal server: each stack gets its own task queues.
    SWARM_TASK_QUEUE_PREFIX: `test-${path.basename(home)}`,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_UI_URL: 'http://localhost:8233',
    ...extra,
  };
}

/**
 * Everything an end-to-end test needs: a private home with a local libSQL file, the shared real
 * Temporal server, the store, the swarm client and a worker factory using the prebuilt bundle.
 */
export async function createTestStack(options: { env?: Record<string, string>; configFile?: string } = {}) {
  quietRuntime();
  const home = tempDir('home');
  const env = testProcessEnv(home, {
    ...(options.configFile ? { SWARM_CONFIG: options.configFile } : {}),
    ...options.env,
  });
  const config: SwarmConfig = loadConfig(env, home);
  // Opened as a worker opens it: redacting the secrets in `env`.
  const store: Store = await openSwarmStore(config, env);
  const testEnv = await TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
  const client = createSwarmClient({ config, store, temporal: testEnv.client, env });
  let memoryStore: Promise<MemoryStore> | undefined;
  return {
    home,
    env,
    config,
    store,
    memory: () => (memoryStore ??= openMemory(config, store, env)),
    testEnv,
    client,
    /** A worker in this process; `options.store` replaces the stack's store (e.g. one that injects a fault). */
    /** A worker in this process; `unconfined` runs its commands and checks without the sandbox. */
    createWorker: (modelType = 'local', options: { store?: Store; unconfined?: boolean } = {}) =>
      createTaskWorker({
        config: options.unconfined ? { ...config, sandbox: { ...config.sandbox, kind: 'none' } } : config,
        modelType,
        env,
        connection: testEnv.nativeConnection,
        store: options.store ?? store,
        workflowBundle: { codePath: inject('workflowBundlePath') },
      }),
    async teardown() {
      await testEnv.teardown();
      store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
export type TestStack = Awaited<ReturnType<typeof createTestStack>>;
