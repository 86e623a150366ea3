import type { SwarmConfig } from '../config/config.js';
import type { Db } from '../db/client.js';
import type { Redactor } from '../secrets/index.js';
import { createEmbedder } from './create-embedder.js';
import { embedderOptions } from './embedding-config.js';
import { createMemoryStore, type MemoryStore } from './memory-store.js';

export { embedderOptions };

/**
 * The shared memory over the swarm's database (the store's connection), with the configured embedder
 * (checked against the table); memories are redacted with the store's redactor, like every other write.
 */
export function openMemory(
  config: SwarmConfig,
  store: { db: Db; redactor: Redactor },
  env: Record<string, string | undefined>,
): Promise<MemoryStore> {
  return createMemoryStore({
    db: store.db,
    redactor: store.redactor,
    embedder: createEmbedder(embedderOptions(config, env)),
  });
}
