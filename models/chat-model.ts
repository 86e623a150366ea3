import type { ChatMessage, ToolCall } from './messages.js';
import type { TokenUsage } from './usage.js';

/** A tool the model may call; the agent loop executes it, never the model or the SDK. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema (draft 7) of the tool's input object. */
  inputSchema: Record<string, unknown>;
}

export type ChatFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';

export interface ChatRequest {
  system: string;
  /** The neutral transcript so far; each model converts it to its own wire format. */
  messages: ChatMessage[];
  tools: ToolSpec[];
  maxOutputTokens?: number;
  signal?: AbortSignal;
  /** Called with each piece of text as it streams in. */
  onTextDelta?: (delta: string) => void;
}

export interface ChatResponse {
  text: string;
  /** Unexecuted: the caller runs them and answers each one. */
  toolCalls: ToolCall[];
  usage: TokenUsage;
  finishReason: ChatFinishReason;
}

/**
 * One chat model, hosted (models/api/) or local (models/local/). `step` is exactly one model call;
 * the caller runs the loop and the tools.
 */
export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  step(request: ChatRequest): Promise<ChatResponse>;
}
