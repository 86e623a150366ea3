import { SwarmError } from '../errors/swarm-error.js';

/** A setting (variable, config file, profile) that cannot be used; the message names it. */
export class ConfigError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'ConfigError';
}
