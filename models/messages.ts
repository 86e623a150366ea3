/**
 * The provider-neutral transcript of an agent run: plain JSON without provider metadata, stored in
 * libSQL, so a run can resume on another worker, or fall back to another provider, from the same
 * transcript. A leaf module: it imports nothing, so db/ may use it.
 */
export interface ToolCall {
  /** The provider's id for this call; the tool result must quote it. */
  id: string;
  name: string;
  /** Parsed JSON input, or the raw text when it was not valid JSON (then `inputError` says why). */
  input: unknown;
  /** Set when the model named an unknown tool or sent input that is not JSON: report it back as a tool error. */
  inputError?: string;
}

export interface ToolResult {
  callId: string;
  name: string;
  output: string;
  isError: boolean;
}

export type ChatMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: ToolCall[] }
  | { role: 'tool'; results: ToolResult[] };
