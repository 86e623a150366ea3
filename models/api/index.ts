export type { ChatFinishReason, ChatModel, ChatProvider, ChatStepRequest, ChatStepResult, ModelMessage, ToolCall, ToolSpec } from './chat-model.js';
export { CHAT_PROVIDERS } from './chat-model.js';
export { createChatModel, DEFAULT_API_KEY_ENV_VARS, type ChatModelOptions } from './create-chat-model.js';
export {
  classifyModelError,
  ModelAuthError,
  ModelError,
  ModelRateLimitError,
  ModelRequestError,
  ModelResponseError,
  ModelServerError,
} from './errors.js';
export { toolResultsMessage, userMessage, type ToolResultForModel } from './messages.js';
export { toModelMessages, type NeutralMessage } from './neutral-messages.js';
export { retryAfterSeconds } from './retry-after.js';
