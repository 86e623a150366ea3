import type { ModelConfig } from '../config/config.js';
import type { ModelAdapter } from './adapter.js';
import { createLocalModel } from './local-model.js';

export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
}

export interface ModelRegistry {
  get(modelType: string): ModelAdapter;
  types(): string[];
}

const factories: Record<ModelConfig['adapter'], (config: ModelConfig) => ModelAdapter> = {
  local: () => createLocalModel(),
};

/** Builds one adapter per configured model type. */
export function createModelRegistry(models: Record<string, ModelConfig>): ModelRegistry {
  const adapters = new Map(Object.entries(models).map(([type, config]) => [type, factories[config.adapter](config)]));
  return {
    get(modelType) {
      const adapter = adapters.get(modelType);
      if (!adapter) throw new UnknownModelError(`model type "${modelType}" is not configured here (configured: ${[...adapters.keys()].join(', ')})`);
      return adapter;
    },
    types: () => [...adapters.keys()],
  };
}
