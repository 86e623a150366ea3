import type { SwarmConfig } from '../config/config.js';
import type { EmbedderOptions } from './create-embedder.js';

const DEFAULT_KEY_ENV = { openai: 'OPENAI_API_KEY', gemini: 'GEMINI_API_KEY' } as const;

/**
 * The configured embedder's options; its API key is read from `env` here and nowhere else. Its own
 * file: the CLI's store needs the key (to redact it) without loading the embedders.
 */
export function embedderOptions(config: SwarmConfig, env: Record<string, string | undefined>): EmbedderOptions {
  const { memory, embeddingDimensions: dimensions } = config;
  if (memory.embedder === 'offline') return { kind: 'offline', dimensions };
  const apiKey = env[memory.apiKeyEnv ?? DEFAULT_KEY_ENV[memory.embedder]];
  return { kind: memory.embedder, dimensions, model: memory.model, baseUrl: memory.baseUrl, apiKey } as EmbedderOptions;
}
