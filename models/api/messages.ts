import type { ModelMessage } from 'ai';

export interface ToolResultForModel {
  toolCallId: string;
  toolName: string;
  output: string;
  isError: boolean;
}

export const userMessage = (text: string): ModelMessage => ({ role: 'user', content: text });

/** The results of one step's tool calls, as the message that answers them (one result per call). */
export function toolResultsMessage(results: ToolResultForModel[]): ModelMessage {
  return {
    role: 'tool',
    content: results.map((result) => ({
      type: 'tool-result' as const,
      toolCallId: result.toolCallId,
      toolName: result.toolName,
      output: result.isError ? { type: 'error-text' as const, value: result.output } : { type: 'text' as const, value: result.output },
    })),
  };
}
