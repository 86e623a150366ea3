import { SwarmError } from './swarm-error.js';

/** Temporal could not be reached, refused the connection, or did not answer in time; trying again later may work. */
export class TemporalUnavailableError extends SwarmError {
  readonly kind = 'transient' as const;
  override name = 'TemporalUnavailableError';
}

/** The TLS handshake with Temporal failed (an untrusted server certificate, a refused or missing client certificate): the settings must change. */
export class TemporalTlsError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'TemporalTlsError';
}
