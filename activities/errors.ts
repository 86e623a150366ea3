import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { ZodError, type z } from 'zod';
import { ConfigError } from '../config/config.js';
import { formatZodError } from '../config/format-zod-error.js';
import { RepoConfigError } from '../quality/repo-config.js';
import { CliUnavailableError } from '../models/cli/index.js';
import { ModelAuthError, ModelRateLimitError, ModelRequestError } from '../models/api/index.js';
import { UnknownModelError } from '../models/registry.js';
import { EmbedderOptionsError, EmbeddingDimensionMismatchError, EmbeddingProviderError, MemoryInputError } from '../memory/index.js';
import { RepoError } from '../workspace/worktree.js';

export class TaskNotFoundError extends Error {
  override name = 'TaskNotFoundError';
}

/** Domain errors that retrying cannot fix, by the ApplicationFailure type they become. */
const NON_RETRYABLE: Array<[new (...args: never[]) => Error, string]> = [
  [TaskNotFoundError, 'TaskNotFound'],
  [RepoError, 'RepoError'],
  [RepoConfigError, 'RepoConfigError'],
  [UnknownModelError, 'UnknownModel'],
  [ConfigError, 'ConfigError'],
  [ModelAuthError, 'ModelAuth'],
  [ModelRequestError, 'ModelRequest'],
  [CliUnavailableError, 'CliUnavailable'],
  [MemoryInputError, 'MemoryInput'],
  [EmbeddingDimensionMismatchError, 'EmbeddingDimensionMismatch'],
  [EmbedderOptionsError, 'EmbedderOptions'],
];

/** The one place where domain errors become retryable or non-retryable Temporal failures. */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  if (err instanceof ModelRateLimitError) {
    // Honour the provider's Retry-After instead of the policy's backoff for this one retry.
    return ApplicationFailure.create({
      message: err.message, type: 'ModelRateLimited', cause: err,
      ...(err.retryAfterSeconds !== undefined && err.retryAfterSeconds !== null ? { nextRetryDelay: `${Math.ceil(err.retryAfterSeconds)}s` } : {}),
    });
  }
  if (err instanceof EmbeddingProviderError) {
    return ApplicationFailure.create({
      message: err.message, type: 'EmbeddingProvider', cause: err, nonRetryable: !err.retryable,
      ...(err.retryAfterSeconds ? { nextRetryDelay: `${Math.ceil(err.retryAfterSeconds)}s` } : {}),
    });
  }
  if (err instanceof ZodError) return ApplicationFailure.nonRetryable(`invalid activity input: ${formatZodError(err)}`, 'InvalidInput');
  for (const [type, failureType] of NON_RETRYABLE) {
    if (err instanceof type) return ApplicationFailure.create({ message: err.message, type: failureType, nonRetryable: true, cause: err });
  }
  return err;
}

/** Wraps an activity: validates its input at the boundary and maps its errors. */
export function defineActivity<S extends z.ZodType, O>(schema: S, fn: (input: z.output<S>) => Promise<O>): (input: z.input<S>) => Promise<O> {
  return async (input) => {
    try {
      return await fn(schema.parse(input));
    } catch (err) {
      throw toActivityFailure(err);
    }
  };
}
