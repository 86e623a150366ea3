import { SwarmError } from '../errors/swarm-error.js';
/** A memory or search request that fails validation; retrying cannot fix it. */
export class MemoryInputError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'MemoryInputError';
}

/** The embedder's vectors do not fit the database's `F32_BLOB(n)` column; retrying cannot fix it. */
export class EmbeddingDimensionMismatchError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'EmbeddingDimensionMismatchError';
}

/**
 * An embedding provider failed. `retryable` says whether trying again later may help (rate limits,
 * server errors, network failures) or not (a rejected API key, a malformed or wrong-sized answer).
 */
export class EmbeddingProviderError extends SwarmError {
  override name = 'EmbeddingProviderError';
  get kind() {
    return this.retryable ? ('transient' as const) : ('config' as const);
  }
  readonly provider: string;
  readonly status: number | null;
  readonly retryable: boolean;
  override readonly retryAfterSeconds: number | null;

  constructor(
    message: string,
    details: {
      provider: string;
      status?: number | null;
      retryable: boolean;
      retryAfterSeconds?: number | null;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.provider = details.provider;
    this.status = details.status ?? null;
    this.retryable = details.retryable;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
  }
}

/** Embedder options that cannot work (unknown kind, missing API key, …); a configuration problem. */
export class EmbedderOptionsError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'EmbedderOptionsError';
}
