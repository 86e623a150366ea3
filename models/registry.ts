import { pricingOf, type ModelConfig } from '../config/model-config.js';
import type { ModelPricing } from '../agent/attempt-outcome.js';
import type { ChatModel } from '../agent/chat-model.js';
import { createLocalChatModel } from '../agent/local-chat-model.js';
import type { ModelAdapter } from './adapter.js';

export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
}

/** What a worker needs to run attempts on one model type. */
export type ModelRuntime =
  | { mode: 'loop'; modelType: string; chatModel: ChatModel; pricing: ModelPricing }
  | { mode: 'single'; modelType: string; adapter: ModelAdapter; pricing: ModelPricing };

export interface ModelRegistry {
  get(modelType: string): ModelRuntime;
  types(): string[];
}

type Env = Record<string, string | undefined>;

function createRuntime(modelType: string, config: ModelConfig, _env: Env): ModelRuntime {
  const pricing = pricingOf(config);
  switch (config.adapter) {
    case 'local':
      return { mode: 'loop', modelType, chatModel: createLocalChatModel(), pricing };
    default:
      throw new UnknownModelError(`model type "${modelType}": adapter "${config.adapter}" is not available in this build`);
  }
}

/**
 * Builds the runtime of each configured model type. API keys are read here, from `env`, once at
 * worker start; they live only inside the adapters, never in config records, history or logs.
 */
export function createModelRegistry(models: Record<string, ModelConfig>, env: Env = process.env): ModelRegistry {
  const runtimes = new Map(Object.entries(models).map(([type, config]) => [type, createRuntime(type, config, env)]));
  return {
    get(modelType) {
      const runtime = runtimes.get(modelType);
      if (!runtime) throw new UnknownModelError(`model type "${modelType}" is not served here (this worker serves: ${[...runtimes.keys()].join(', ')})`);
      return runtime;
    },
    types: () => [...runtimes.keys()],
  };
}
