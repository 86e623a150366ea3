import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { ZodError, type z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import { SwarmError } from '../errors/swarm-error.js';

export class TaskNotFoundError extends SwarmError {
  readonly kind = 'fatal' as const;
  override name = 'TaskNotFoundError';
}

/**
 * The one place where errors become Temporal failures, by the kind declared with each error:
 * transient ones are retried (after the service's Retry-After when it gave one), input, config and
 * fatal ones fail the step at once. The failure's type is the error's class name.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  if (err instanceof ZodError)
    return ApplicationFailure.nonRetryable(`invalid activity input: ${formatZodError(err)}`, 'InvalidInput');
  if (err instanceof SwarmError) {
    const wait = err.retryAfterSeconds;
    return ApplicationFailure.create({
      message: err.message,
      type: err.name,
      cause: err,
      nonRetryable: err.kind !== 'transient',
      ...(err.kind === 'transient' && typeof wait === 'number' && wait > 0
        ? { nextRetryDelay: `${Math.ceil(wait)}s` }
        : {}),
    });
  }
  return err;
}

/** Wraps an activity: validates its input at the boundary and maps its errors. */
export function defineActivity<S extends z.ZodType, O>(
  schema: S,
  fn: (input: z.output<S>) => Promise<O>,
): (input: z.input<S>) => Promise<O> {
  return async (input) => {
    try {
      return await fn(schema.parse(input));
    } catch (err) {
      throw toActivityFailure(err);
    }
  };
}
