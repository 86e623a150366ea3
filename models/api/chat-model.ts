import type { ModelMessage } from 'ai';
import type { TokenUsage } from '../adapter.js';

/**
 * Provider-neutral access to hosted chat models (Anthropic Claude, OpenAI GPT, Google Gemini and any
 * OpenAI-compatible endpoint such as Ollama, vLLM, LM Studio or OpenRouter).
 *
 * Built on the Vercel AI SDK (`ai` v6 with the `@ai-sdk/*` providers): one interface for the four
 * wire formats, streaming, tool calling and token usage, so the agent loop is written once. v6,
 * because v7 and the vendors' own SDKs need Node 22 and our machines run Node 20.
 */
export type { ModelMessage };

export const CHAT_PROVIDERS = ['anthropic', 'openai', 'google', 'openai-compatible'] as const;
export type ChatProvider = (typeof CHAT_PROVIDERS)[number];

/** A tool the model may call; the agent loop executes it, never the SDK. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema (draft 7) of the tool's input object. */
  inputSchema: Record<string, unknown>;
}

export interface ToolCall {
  /** The provider's id for this call; the tool result must quote it. */
  id: string;
  name: string;
  /** Parsed JSON input, or the raw text when it was not valid JSON (then `inputError` says why). */
  input: unknown;
  /** Set when the model named an unknown tool or sent input that is not JSON: report it back as a tool error. */
  inputError?: string;
}

export type ChatFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';

export interface ChatStepRequest {
  system: string;
  messages: ModelMessage[];
  tools: ToolSpec[];
  maxOutputTokens?: number;
  signal?: AbortSignal;
  /** Called with each piece of text as it streams in. */
  onDelta?: (textDelta: string) => void;
}

export interface ChatStepResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: ChatFinishReason;
  usage: TokenUsage;
  /** The assistant message(s) of this step, to append to `messages` before the next step. */
  responseMessages: ModelMessage[];
}

/** One hosted model. `step` is exactly one streamed model call; the caller runs the loop and the tools. */
export interface ChatModel {
  readonly provider: ChatProvider;
  readonly model: string;
  step(request: ChatStepRequest): Promise<ChatStepResult>;
}
