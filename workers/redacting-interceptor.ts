import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Redactor } from '../secrets/index.js';

/** Redacts an error's message and stack, and those of its causes, in place. */
function redactError(err: unknown, redactor: Redactor): unknown {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    e.message = redactor.redact(e.message);
    if (e.stack) e.stack = redactor.redact(e.stack);
  }
  return err;
}

/**
 * What an activity returns or throws goes into the workflow history, Temporal's own store: its result
 * (summaries, ids) and its failure (a message that may quote a command's output, e.g. a failed
 * dependency install). Both are redacted here, at that boundary, like every write to libSQL.
 */
export const redactingActivityInterceptor =
  (redactor: Redactor): ActivityInterceptorsFactory =>
  () => ({
    inbound: {
      async execute(input, next) {
        try {
          return redactor.redactValue(await next(input));
        } catch (err) {
          throw redactError(err, redactor);
        }
      },
    },
  });
