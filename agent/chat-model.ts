import type { TokenUsage } from '../models/adapter.js';
import type { ToolSpec } from '../models/api/chat-model.js';
import type { AgentMessage, ToolCall } from './messages.js';

export type { ToolSpec };

export interface ChatRequest {
  system: string;
  messages: AgentMessage[];
  tools: ToolSpec[];
  signal: AbortSignal;
  onTextDelta?: (delta: string) => void;
}

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  finishReason: string;
}

/** One model call of the agent loop; the loop, not the model, executes tool calls. */
export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  step(request: ChatRequest): Promise<ChatResponse>;
}
