/**
 * Embeddings from any OpenAI-compatible `POST {baseUrl}/embeddings` endpoint: OpenAI itself, and
 * the compatible servers of Ollama (`http://localhost:11434/v1`), vLLM, LM Studio, LiteLLM and others.
 *
 * Plain `fetch` + zod rather than the official `openai` SDK or the Vercel AI SDK 7: both require
 * Node 22, and this project supports Node 20. The endpoint is one JSON POST.
 */
import { z } from 'zod';
import type { Embedder } from './embedder.js';
import { EmbeddingProviderError } from './errors.js';
import { inBatches, parseEmbeddingResponse, postEmbeddingRequest, toVectors } from './http-embedding.js';

export const OPENAI_DEFAULT_MODEL = 'text-embedding-3-small';
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** The API takes up to 2,048 inputs per request; smaller requests keep each one well under its token limit. */
const MAX_TEXTS_PER_REQUEST = 256;

const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
});

export interface OpenAiEmbedderOptions {
  model: string;
  dimensions: number;
  baseUrl: string;
  apiKey?: string;
  /**
   * Send the `dimensions` request field (text-embedding-3-* shorten their vectors to it). Servers
   * whose models have a fixed size and reject the field (some vLLM models) need `false`.
   */
  sendDimensions: boolean;
  timeoutMs: number;
}

export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const provider = `OpenAI-compatible embeddings (${options.model} at ${baseUrl})`;
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};

  const embedBatch = async (texts: string[], signal?: AbortSignal): Promise<Float32Array[]> => {
    const body = await postEmbeddingRequest({
      provider,
      url: `${baseUrl}/embeddings`,
      headers,
      body: {
        model: options.model,
        input: texts,
        encoding_format: 'float',
        ...(options.sendDimensions ? { dimensions: options.dimensions } : {}),
      },
      timeoutMs: options.timeoutMs,
      signal,
    });
    const { data } = parseEmbeddingResponse(provider, responseSchema, body);
    // `index` says which input each vector belongs to; servers need not answer in order.
    const ordered = [...data].sort((a, b) => a.index - b.index);
    if (ordered.length === texts.length && ordered.some((item, i) => item.index !== i)) {
      throw new EmbeddingProviderError(
        `${provider}: malformed response: indexes ${ordered.map((d) => d.index).join(',')} do not number the ${texts.length} inputs`,
        { provider, retryable: false },
      );
    }
    return toVectors(
      provider,
      ordered.map((item) => item.embedding),
      texts.length,
      options.dimensions,
    );
  };

  return {
    model: options.model,
    dimensions: options.dimensions,
    embed: (texts, signal) => inBatches(texts, MAX_TEXTS_PER_REQUEST, (batch) => embedBatch(batch, signal)),
  };
}
