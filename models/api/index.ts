export { CHAT_PROVIDERS, type ChatProvider } from './chat-provider.js';
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
export { retryAfterSeconds } from './retry-after.js';
