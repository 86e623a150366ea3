import type { ModelMessage } from 'ai';
import type { ChatMessage, ToolResult } from '../messages.js';

/** The results of one step's tool calls, as the message that answers them (one result per call). */
function toolResultsMessage(results: ToolResult[]): ModelMessage {
  return {
    role: 'tool',
    content: results.map((result) => ({
      type: 'tool-result' as const,
      toolCallId: result.callId,
      toolName: result.name,
      output: result.isError
        ? { type: 'error-text' as const, value: result.output }
        : { type: 'text' as const, value: result.output },
    })),
  };
}

/**
 * Converts a neutral transcript to the SDK's messages. Provider metadata (reasoning items, thought
 * signatures) is not kept in such a transcript; the providers accept the calls without it.
 */
export function toModelMessages(messages: ChatMessage[]): ModelMessage[] {
  return messages.map((message): ModelMessage => {
    switch (message.role) {
      case 'user':
        return { role: 'user', content: message.text };
      case 'assistant':
        return {
          role: 'assistant',
          content: [
            ...(message.text ? [{ type: 'text' as const, text: message.text }] : []),
            ...message.toolCalls.map((call) => ({
              type: 'tool-call' as const,
              toolCallId: call.id,
              toolName: call.name,
              input: call.input,
            })),
          ],
        };
      case 'tool':
        return toolResultsMessage(message.results);
    }
  });
}
