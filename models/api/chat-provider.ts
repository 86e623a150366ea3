/**
 * Provider-neutral access to hosted chat models (Anthropic Claude, OpenAI GPT, Google Gemini and any
 * OpenAI-compatible endpoint such as Ollama, vLLM, LM Studio or OpenRouter).
 *
 * Built on the Vercel AI SDK (`ai` v6 with the `@ai-sdk/*` providers): one interface for the four
 * wire formats, streaming, tool calling and token usage, so the agent loop is written once. v6,
 * because v7 and the vendors' own SDKs need Node 22 and our machines run Node 20.
 */
export const CHAT_PROVIDERS = ['anthropic', 'openai', 'google', 'openai-compatible'] as const;
export type ChatProvider = (typeof CHAT_PROVIDERS)[number];
