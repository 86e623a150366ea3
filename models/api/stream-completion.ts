import type { ChatProvider } from './chat-provider.js';

type Chunk = Record<string, unknown>;
const isRecord = (value: unknown): value is Chunk => typeof value === 'object' && value !== null;
const anyWith = (list: unknown, key: string) =>
  Array.isArray(list) && list.some((item) => isRecord(item) && item[key] != null);

/**
 * Whether a raw wire chunk is the one that closes a complete response. A stream cut off before it
 * looks to the SDK like a normal end with finish reason "other", so the step checks for it itself.
 */
export function isClosingChunk(provider: ChatProvider, chunk: unknown): boolean {
  if (!isRecord(chunk)) return false;
  switch (provider) {
    case 'anthropic':
      return chunk.type === 'message_stop';
    case 'openai':
      return chunk.type === 'response.completed' || chunk.type === 'response.incomplete';
    case 'google':
      return anyWith(chunk.candidates, 'finishReason');
    case 'openai-compatible':
      return anyWith(chunk.choices, 'finish_reason');
  }
}
