import type { SwarmConfig } from '../config/config.js';
import type { Db } from '../db/client.js';
import type { Redactor } from '../secrets/index.js';
import { createEmbedder, type EmbedderOptions } from './create-embedder.js';
import { createMemoryStore, type MemoryStore } from './memory-store.js';

const DEFAULT_KEY_ENV = { openai: 'OPENAI_API_KEY', gemini: 'GEMINI_API_KEY' } as const;

/** The configured embedder's options; its API key is read from `env` here and nowhere else. */
export function embedderOptions(config: SwarmConfig, env: Record<string, string | undefined>): EmbedderOptions {
  const { memory, embeddingDimensions: dimensions } = config;
  if (memory.embedder === 'offline') return { kind: 'offline', dimensions };
  const apiKey = env[memory.apiKeyEnv ?? DEFAULT_KEY_ENV[memory.embedder]];
  return { kind: memory.embedder, dimensions, model: memory.model, baseUrl: memory.baseUrl, apiKey } as EmbedderOptions;
}

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
