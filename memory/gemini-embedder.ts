/**
 * Embeddings from the Gemini API's `models/{model}:batchEmbedContents` REST method. The key goes in
 * the `x-goog-api-key` header rather than the `?key=` query parameter, so it never lands in URLs or logs.
 * `outputDimensionality` shortens gemini-embedding-001's 3,072-dimensional vectors (768 and 1,536 are
 * the sizes Google recommends); cosine similarity does not need the shortened vectors re-normalised.
 */
import { z } from 'zod';
import type { Embedder } from './embedder.js';
import { inBatches, parseEmbeddingResponse, postEmbeddingRequest, toVectors } from './http-embedding.js';

export const GEMINI_DEFAULT_MODEL = 'gemini-embedding-001';
export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
/** batchEmbedContents takes at most 100 requests per call. */
const MAX_TEXTS_PER_REQUEST = 100;

const responseSchema = z.object({
  embeddings: z.array(z.object({ values: z.array(z.number()) })),
});

export interface GeminiEmbedderOptions {
  model: string;
  dimensions: number;
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

export function createGeminiEmbedder(options: GeminiEmbedderOptions): Embedder {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const model = options.model.replace(/^models\//, '');
  const provider = `Gemini embeddings (${model} at ${baseUrl})`;

  const embedBatch = async (texts: string[], signal?: AbortSignal): Promise<Float32Array[]> => {
    const body = await postEmbeddingRequest({
      provider,
      url: `${baseUrl}/v1beta/models/${encodeURIComponent(model)}:batchEmbedContents`,
      headers: { 'x-goog-api-key': options.apiKey },
      body: {
        requests: texts.map((text) => ({
          model: `models/${model}`,
          content: { parts: [{ text }] },
          outputDimensionality: options.dimensions,
        })),
      },
      timeoutMs: options.timeoutMs,
      signal,
    });
    const { embeddings } = parseEmbeddingResponse(provider, responseSchema, body);
    return toVectors(
      provider,
      embeddings.map((e) => e.values),
      texts.length,
      options.dimensions,
    );
  };

  return {
    model,
    dimensions: options.dimensions,
    embed: (texts, signal) => inBatches(texts, MAX_TEXTS_PER_REQUEST, (batch) => embedBatch(batch, signal)),
  };
}
