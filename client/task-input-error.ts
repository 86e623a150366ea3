import { SwarmError } from '../errors/swarm-error.js';
/** A task submission that cannot be accepted; nothing was written. */
export class TaskInputError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'TaskInputError';
}
