import type { ModelMessage } from 'ai';
import { toolResultsMessage } from './messages.js';

/**
 * A provider-neutral transcript entry, as an agent loop may store it (plain JSON, no provider
 * metadata), so a run can resume on another worker or fall back to another provider.
 */
export type NeutralMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: Array<{ id: string; name: string; input: unknown }> }
  | { role: 'tool'; results: Array<{ callId: string; name: string; output: string; isError: boolean }> };

/**
 * Converts a neutral transcript to the SDK's messages. Provider metadata (reasoning items, thought
 * signatures) is not kept in such a transcript; the providers accept the calls without it.
 */
export function toModelMessages(messages: NeutralMessage[]): ModelMessage[] {
  return messages.map((message): ModelMessage => {
    switch (message.role) {
      case 'user':
        return { role: 'user', content: message.text };
      case 'assistant':
        return {
          role: 'assistant',
          content: [
            ...(message.text ? [{ type: 'text' as const, text: message.text }] : []),
            ...message.toolCalls.map((call) => ({ type: 'tool-call' as const, toolCallId: call.id, toolName: call.name, input: call.input })),
          ],
        };
      case 'tool':
        return toolResultsMessage(message.results.map((r) => ({ toolCallId: r.callId, toolName: r.name, output: r.output, isError: r.isError })));
    }
  });
}
