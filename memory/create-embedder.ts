import { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import type { Embedder } from './embedder.js';
import { EmbedderOptionsError } from './errors.js';
import { GEMINI_DEFAULT_BASE_URL, GEMINI_DEFAULT_MODEL, createGeminiEmbedder } from './gemini-embedder.js';
import { OFFLINE_MODEL, createOfflineEmbedder } from './offline-embedder.js';
import { OPENAI_DEFAULT_BASE_URL, OPENAI_DEFAULT_MODEL, createOpenAiEmbedder } from './openai-embedder.js';

const dimensions = z.number().int().min(8, 'dimensions must be at least 8').max(8192, 'dimensions are limited to 8192');
const baseUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'baseUrl must be an http(s) URL');
const timeoutMs = z.number().int().positive().default(60_000);

const optionsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('offline'),
    dimensions,
    model: z.literal(OFFLINE_MODEL, `the offline embedder's model is "${OFFLINE_MODEL}"`).optional(),
  }),
  z.object({
    kind: z.literal('openai'),
    dimensions,
    model: z.string().min(1).default(OPENAI_DEFAULT_MODEL),
    baseUrl: baseUrl.default(OPENAI_DEFAULT_BASE_URL),
    // Optional: local OpenAI-compatible servers (Ollama, vLLM) usually need none.
    apiKey: z.string().min(1).optional(),
    sendDimensions: z.boolean().default(true),
    timeoutMs,
  }),
  z.object({
    kind: z.literal('gemini'),
    dimensions,
    model: z.string().min(1).default(GEMINI_DEFAULT_MODEL),
    baseUrl: baseUrl.default(GEMINI_DEFAULT_BASE_URL),
    apiKey: z.string({ error: 'the Gemini embedder needs an apiKey' }).min(1, 'the Gemini embedder needs an apiKey'),
    timeoutMs,
  }),
]);
export type EmbedderOptions = z.input<typeof optionsSchema>;

/** Builds the configured embedder from plain options; reads no environment. */
export function createEmbedder(options: EmbedderOptions): Embedder {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new EmbedderOptionsError(`invalid embedder options: ${formatZodError(parsed.error)}`);
  const o = parsed.data;
  switch (o.kind) {
    case 'offline':
      return createOfflineEmbedder({ dimensions: o.dimensions });
    case 'openai':
      return createOpenAiEmbedder(o);
    case 'gemini':
      return createGeminiEmbedder(o);
  }
}
