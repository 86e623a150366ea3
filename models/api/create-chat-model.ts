import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { ChatModel } from '../chat-model.js';
import type { ChatProvider } from './chat-provider.js';
import { authError, ModelRequestError, type ErrorContext } from './errors.js';
import { streamStep } from './stream-step.js';

export interface ChatModelOptions {
  provider: ChatProvider;
  /** The provider's model id, e.g. "claude-sonnet-4-5", "gpt-5", "gemini-2.5-pro", "qwen2.5-coder:7b". */
  model: string;
  /** Required for anthropic, openai and google; optional for openai-compatible (Ollama needs none). */
  apiKey?: string;
  /** Default: the provider's public endpoint. Required for openai-compatible, e.g. "http://localhost:11434/v1". */
  baseUrl?: string;
  /** Extra HTTP headers on every request (e.g. OpenRouter's HTTP-Referer). */
  headers?: Record<string, string>;
  /** The env var the key came from, named in auth errors. Default: the provider's usual one. */
  apiKeyEnvVar?: string;
  /** A stream that sends nothing for this long is stopped as a transient failure. Default 120 s. */
  idleTimeoutMs?: number;
}

/** Base URLs are always passed explicitly so the SDK never falls back to reading process.env. */
const DEFAULT_BASE_URLS: Record<Exclude<ChatProvider, 'openai-compatible'>, string> = {
  anthropic: 'https://api.anthropic.com/v1',
  openai: 'https://api.openai.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
};

export const DEFAULT_API_KEY_ENV_VARS: Record<ChatProvider, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  google: 'GEMINI_API_KEY',
  'openai-compatible': 'OPENAI_COMPATIBLE_API_KEY',
};

function languageModel(options: ChatModelOptions, apiKey: string): LanguageModel {
  const { provider, model, headers } = options;
  switch (provider) {
    case 'anthropic':
      return createAnthropic({ apiKey, baseURL: options.baseUrl ?? DEFAULT_BASE_URLS.anthropic, headers })(model);
    case 'openai':
      // The Responses API, OpenAI's current API and the SDK's default for OpenAI models.
      return createOpenAI({ apiKey, baseURL: options.baseUrl ?? DEFAULT_BASE_URLS.openai, headers }).responses(model);
    case 'google':
      return createGoogleGenerativeAI({ apiKey, baseURL: options.baseUrl ?? DEFAULT_BASE_URLS.google, headers })(model);
    case 'openai-compatible':
      if (!options.baseUrl)
        throw new ModelRequestError(
          'an openai-compatible model needs a baseUrl (e.g. http://localhost:11434/v1)',
          provider,
          undefined,
        );
      // includeUsage asks for the final usage chunk (stream_options.include_usage).
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: options.baseUrl,
        apiKey: apiKey || undefined,
        headers,
        includeUsage: true,
      })(model);
  }
}

const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** A ChatModel for one provider and model. Reads nothing from the environment: every setting is an option. */
export function createChatModel(options: ChatModelOptions): ChatModel {
  const errorContext: ErrorContext = {
    provider: options.provider,
    apiKeyEnvVar: options.apiKeyEnvVar ?? DEFAULT_API_KEY_ENV_VARS[options.provider],
    apiKey: options.apiKey,
  };
  if (!options.apiKey && options.provider !== 'openai-compatible') throw authError(errorContext);
  const model = languageModel(options, options.apiKey ?? '');
  return {
    provider: options.provider,
    model: options.model,
    step: (request) => streamStep(model, request, errorContext, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS),
  };
}
