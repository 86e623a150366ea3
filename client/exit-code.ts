import { CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { EmbeddingDimensionMismatchError, MemoryInputError } from '../memory/errors.js';
import { TaskInputError } from './task-input-error.js';

/** Errors the user fixes by changing the command line, the input or the configuration. */
const INPUT_ERRORS: ReadonlyArray<abstract new (...args: never[]) => Error> = [TaskInputError, ConfigError, MemoryInputError, EmbeddingDimensionMismatchError];

/**
 * The exit code of a `swarm` run that ended with `err`: 0 when commander only showed help,
 * 2 for usage and input errors (nothing was done), 1 for anything else.
 * The one place that decides it.
 */
export function exitCodeFor(err: unknown): 0 | 1 | 2 {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  return INPUT_ERRORS.some((type) => err instanceof type) ? 2 : 1;
}
