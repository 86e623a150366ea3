import { SwarmError } from '../errors/swarm-error.js';
import { TemporalUnavailableError } from '../errors/temporal-errors.js';

export { TemporalUnavailableError };

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** The gRPC status somewhere in an error's causes (the Temporal SDK wraps it), if any. */
function grpcStatus(err: unknown): { code: number; details: string } | undefined {
  const seen = new Set<unknown>();
  for (let e = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (typeof code === 'number' && typeof details === 'string') return { code, details };
  }
  return undefined;
}

/**
 * What a failed Temporal call means to the user, naming the server: it did not answer within the
 * CLI timeout, or it cannot be reached. Loads nothing, so the CLI can use it on any error.
 */
export function explainTemporalError(err: unknown, address: string, timeoutSeconds: number): unknown {
  if (err instanceof SwarmError) return err;
  const status = grpcStatus(err);
  if (status?.code === GRPC_DEADLINE_EXCEEDED) {
    return new TemporalUnavailableError(
      `Temporal at ${address} did not answer within ${timeoutSeconds} s (SWARM_CLI_TIMEOUT_SECONDS)`,
      { cause: err },
    );
  }
  if (status?.code === GRPC_UNAVAILABLE)
    return new TemporalUnavailableError(`cannot reach Temporal at ${address}: ${status.details}`, { cause: err });
  return err;
}
