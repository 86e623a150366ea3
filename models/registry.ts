import { DEFAULT_API_KEY_ENV, pricingOf, type ModelConfig } from '../config/model-config.js';
import { createChatModel } from './api/index.js';
import type { ChatModel } from './chat-model.js';
import {
  createClaudeCodeAdapter,
  createCodexAdapter,
  createCommandAdapter,
  createGeminiCliAdapter,
  type CliModelAdapter,
} from './cli/index.js';
import { createLocalChatModel } from './local/local-chat-model.js';
import type { ModelPricing } from './usage.js';
import { SwarmError } from '../errors/swarm-error.js';

export class UnknownModelError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'UnknownModelError';
}

/** What a worker needs to run attempts on one model type. */
export type ModelRuntime =
  | { mode: 'loop'; modelType: string; chatModel: ChatModel; pricing: ModelPricing }
  | { mode: 'single'; modelType: string; adapter: CliModelAdapter; pricing: ModelPricing };

export interface ModelRegistry {
  get(modelType: string): ModelRuntime;
}

type Env = Record<string, string | undefined>;

function createRuntime(modelType: string, config: ModelConfig, env: Env): ModelRuntime {
  const pricing = pricingOf(config);
  const keyEnv = config.apiKeyEnv ?? DEFAULT_API_KEY_ENV[config.adapter];
  const apiKey = keyEnv ? env[keyEnv] : undefined;
  // Secrets reach only the CLI's own process: its key variable and what passEnv names, nothing else.
  const cli = {
    model: config.model,
    binary: config.command,
    timeoutMs: config.timeoutSeconds * 1000,
    ...(config.stallTimeoutSeconds ? { stallTimeoutMs: config.stallTimeoutSeconds * 1000 } : {}),
    apiKeyEnv: config.apiKeyEnv,
    baseUrl: config.baseUrl,
    passEnv: [...(keyEnv ? [keyEnv] : []), ...(config.passEnv ?? [])],
    extraArgs: config.extraArgs,
    sourceEnv: env,
  };
  const single = (adapter: CliModelAdapter): ModelRuntime => ({ mode: 'single', modelType, adapter, pricing });
  switch (config.adapter) {
    case 'local':
      return { mode: 'loop', modelType, chatModel: createLocalChatModel(), pricing };
    case 'anthropic':
    case 'openai':
    case 'google':
    case 'openai-compatible': {
      const chatModel = createChatModel({
        provider: config.adapter,
        model: config.model!,
        apiKey,
        baseUrl: config.baseUrl,
        apiKeyEnvVar: keyEnv,
        idleTimeoutMs: (config.idleTimeoutSeconds ?? 120) * 1000,
      });
      return { mode: 'loop', modelType, chatModel, pricing };
    }
    case 'claude-code':
      return single(
        createClaudeCodeAdapter({
          ...cli,
          maxTurns: config.maxTurns,
          allowedTools: config.allowedTools,
          permissionMode: config.permissionMode,
        }),
      );
    case 'codex':
      return single(createCodexAdapter(cli));
    case 'gemini-cli':
      return single(createGeminiCliAdapter(cli));
    case 'command':
      return single(
        createCommandAdapter({
          command: config.command!,
          promptVia: 'stdin',
          timeoutMs: cli.timeoutMs,
          passEnv: cli.passEnv,
          sourceEnv: env,
        }),
      );
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
      if (!runtime)
        throw new UnknownModelError(
          `model type "${modelType}" is not served here (this worker serves: ${[...runtimes.keys()].join(', ')})`,
        );
      return runtime;
    },
  };
}
