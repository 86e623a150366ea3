/**
 * What kind of failure an error is, declared where the error is defined. Everything that reacts to
 * errors reads the kind, not a list of classes: the activity mapping (retry or not) and the CLI's
 * exit code (2 for what the user fixes).
 * - `input`: the request itself is wrong (flags, a task spec, a memory, a model's request);
 * - `config`: the deployment is wrong (settings, a missing key or binary, a wrong-sized embedder);
 * - `fatal`: the work cannot go on as asked (a repository or task that is gone);
 * - `transient`: an outage or a race; trying again later may succeed.
 */
export type ErrorKind = 'input' | 'config' | 'fatal' | 'transient';

export abstract class SwarmError extends Error {
  abstract readonly kind: ErrorKind;
  /** When the failing service said how long to wait before trying again. */
  readonly retryAfterSeconds?: number | null;
}

export const kindOf = (err: unknown): ErrorKind | undefined => (err instanceof SwarmError ? err.kind : undefined);

/** Errors the user fixes by changing the command line, the input or the configuration. */
export const isUsersToFix = (err: unknown): boolean => kindOf(err) === 'input' || kindOf(err) === 'config';
