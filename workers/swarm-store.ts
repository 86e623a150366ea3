import type { SwarmConfig } from '../config/config.js';
import { DEFAULT_API_KEY_ENV } from '../config/model-config.js';
import { openStore, type Store } from '../db/index.js';
import { embedderOptions } from '../memory/embedding-config.js';
import { createRedactor, secretValuesFromEnv, type Redactor } from '../secrets/index.js';

type Env = Record<string, string | undefined>;

/**
 * Every secret this process holds: each configured model type's API key, the database token, the
 * embedder's key, and any environment variable whose name looks like a secret.
 */
export function processSecrets(config: SwarmConfig, env: Env): string[] {
  const secrets = new Set(secretValuesFromEnv(env));
  for (const model of Object.values(config.models)) {
    const keyEnv = model.apiKeyEnv ?? DEFAULT_API_KEY_ENV[model.adapter];
    if (keyEnv && env[keyEnv]) secrets.add(env[keyEnv]);
  }
  if (config.database.mode !== 'local' && config.database.authToken) secrets.add(config.database.authToken);
  if (config.dataBranches.backend === 'turso') secrets.add(config.dataBranches.apiToken);
  const gitToken = config.git.tokenEnv ? env[config.git.tokenEnv] : undefined;
  if (gitToken) secrets.add(gitToken);
  const embedderKey = (embedderOptions(config, env) as { apiKey?: string }).apiKey;
  if (embedderKey) secrets.add(embedderKey);
  return [...secrets];
}

/** The redactor of everything this process stores, built once at start. */
export const processRedactor = (config: SwarmConfig, env: Env): Redactor =>
  createRedactor({ secrets: processSecrets(config, env) });

/**
 * The store as a worker or the CLI opens it: writes redacted with the process's secrets and capped
 * at the configured limits.
 */
export function openSwarmStore(config: SwarmConfig, env: Env = process.env): Promise<Store> {
  return openStore(config.database, {
    embeddingDimensions: config.embeddingDimensions,
    redactor: processRedactor(config, env),
    limits: config.limits,
  });
}
