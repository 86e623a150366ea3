import { toModelMessages, type ChatModel as ApiChatModel } from '../models/api/index.js';
import type { ChatModel } from './chat-model.js';

/** The agent loop's view of a hosted model: the stored neutral transcript is converted on every call. */
export function fromApiChatModel(api: ApiChatModel): ChatModel {
  return {
    provider: api.provider,
    model: api.model,
    async step(request) {
      const result = await api.step({
        system: request.system,
        messages: toModelMessages(request.messages),
        tools: request.tools,
        signal: request.signal,
        onDelta: request.onTextDelta,
      });
      return { text: result.text, toolCalls: result.toolCalls, usage: result.usage, finishReason: result.finishReason };
    },
  };
}
