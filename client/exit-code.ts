import { CommanderError } from 'commander';
import { isUsersToFix } from '../errors/swarm-error.js';

/**
 * The exit code of a `swarm` run that ended with `err`: 0 when commander only showed help, 2 for
 * usage, input and configuration errors (nothing was done; the kind is declared with each error),
 * 1 for anything else. The one place that decides it.
 */
export function exitCodeFor(err: unknown): 0 | 1 | 2 {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  return isUsersToFix(err) ? 2 : 1;
}
