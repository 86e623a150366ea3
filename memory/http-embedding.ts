import type { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import { EmbeddingProviderError } from './errors.js';

const SNIPPET_CHARS = 300;

export interface EmbeddingRequest {
  /** Names the provider in every error, e.g. `OpenAI-compatible embeddings (text-embedding-3-small at https://…)`. */
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The provider's own error message when the body is JSON like `{"error":{"message":…}}`, else the start of the body. */
function describeBody(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string' && message) return message.slice(0, SNIPPET_CHARS);
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed ? trimmed.slice(0, SNIPPET_CHARS) : '(empty body)';
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

function httpError(provider: string, response: Response, body: string): EmbeddingProviderError {
  const status = response.status;
  const detail = describeBody(body);
  if (status === 401 || status === 403) {
    return new EmbeddingProviderError(
      `${provider}: the API key was rejected (HTTP ${status}: ${detail}). Check the API key; retrying will not help.`,
      { provider, status, retryable: false },
    );
  }
  if (status === 429) {
    const after = retryAfterSeconds(response.headers.get('retry-after'));
    const when = after === null ? 'retry later' : `retry after ${after} s`;
    return new EmbeddingProviderError(`${provider}: rate limited (HTTP 429: ${detail}); ${when}.`, {
      provider,
      status,
      retryable: true,
      retryAfterSeconds: after,
    });
  }
  if (status >= 500) {
    return new EmbeddingProviderError(`${provider}: server error (HTTP ${status}: ${detail}).`, {
      provider,
      status,
      retryable: true,
    });
  }
  return new EmbeddingProviderError(`${provider}: request refused (HTTP ${status}: ${detail}).`, {
    provider,
    status,
    retryable: false,
  });
}

/** POSTs JSON and returns the parsed JSON body, turning every failure into an EmbeddingProviderError. */
export async function postEmbeddingRequest(request: EmbeddingRequest): Promise<unknown> {
  const { provider, url, signal } = request;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: JSON.stringify(request.body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    text = await response.text();
  } catch (err) {
    // The caller's cancellation is not a provider failure: let it through unchanged.
    if (signal?.aborted) throw signal.reason;
    if (timeout.aborted) {
      throw new EmbeddingProviderError(`${provider}: no answer within ${request.timeoutMs / 1000} s.`, {
        provider,
        retryable: true,
        cause: err,
      });
    }
    const reason =
      (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    throw new EmbeddingProviderError(`${provider}: cannot reach ${url} (${reason}).`, {
      provider,
      retryable: true,
      cause: err,
    });
  }
  if (!response.ok) throw httpError(provider, response, text);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EmbeddingProviderError(`${provider}: malformed response, not JSON: ${describeBody(text)}`, {
      provider,
      status: response.status,
      retryable: false,
      cause: err,
    });
  }
}

/** Validates a provider's JSON body against its zod schema. */
export function parseEmbeddingResponse<S extends z.ZodType>(provider: string, schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new EmbeddingProviderError(`${provider}: malformed response: ${formatZodError(parsed.error)}`, {
      provider,
      retryable: false,
    });
  }
  return parsed.data;
}

/** Checks count and length of the returned vectors and converts them to Float32Array. */
export function toVectors(
  provider: string,
  vectors: number[][],
  expectedCount: number,
  dimensions: number,
): Float32Array[] {
  if (vectors.length !== expectedCount) {
    throw new EmbeddingProviderError(`${provider}: returned ${vectors.length} embeddings for ${expectedCount} texts.`, {
      provider,
      retryable: false,
    });
  }
  return vectors.map((values) => {
    if (values.length !== dimensions) {
      throw new EmbeddingProviderError(
        `${provider}: returned ${values.length}-dimensional vectors, expected ${dimensions}. ` +
          'Check that the model supports this dimension, or set the embedding dimensions to what the model returns.',
        { provider, retryable: false },
      );
    }
    return Float32Array.from(values);
  });
}

/** Splits `texts` into requests of at most `size` and concatenates the answers in order. */
export async function inBatches(
  texts: string[],
  size: number,
  embedBatch: (batch: string[]) => Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += size) out.push(...(await embedBatch(texts.slice(i, i + size))));
  return out;
}
