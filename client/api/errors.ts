import { SwarmError } from '../../errors/swarm-error.js';

/** An argument of the programmatic API failed validation; the message names the field. */
export class SwarmApiInputError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'SwarmApiInputError';
}
