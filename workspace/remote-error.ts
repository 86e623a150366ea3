import { SwarmError } from '../errors/swarm-error.js';
import { GitError } from './git-run.js';
import { redactUrls } from '../tasks/repo-location.js';

/**
 * The remote refused what the worker asked (authentication, permission, a missing repository or
 * branch, a hook or a protected branch): trying again does not help, the task fails with the
 * server's reason.
 */
export class RemoteRefusedError extends SwarmError {
  readonly kind = 'fatal' as const;
  override name = 'RemoteRefusedError';
}

/** The remote could not be reached or failed (connection, timeout, 5xx): retried. */
export class RemoteUnavailableError extends SwarmError {
  readonly kind = 'transient' as const;
  override name = 'RemoteUnavailableError';
}

const REFUSED: readonly [RegExp, string][] = [
  [
    /host key verification failed|no matching host key/i,
    "ssh host key not trusted (add it to the worker's known_hosts)",
  ],
  [
    /authentication failed|could not read (username|password)|invalid (username|credentials)|terminal prompts disabled|returned error: 401|\b401\b.*unauthori[sz]ed/i,
    'authentication failed',
  ],
  [/permission denied|access denied|returned error: 403|\b403\b|not authori[sz]ed|forbidden/i, 'permission denied'],
  [
    /repository not found|repository '[^'\n]*' not found|does not appear to be a git repository|returned error: 404|not a git repository|no such repository/i,
    'repository not found',
  ],
  [/couldn't find remote ref|remote ref does not exist|no such ref/i, 'missing branch'],
  [/hook declined|protected branch|\[remote rejected\]|declined/i, 'push declined by the server'],
];

const UNAVAILABLE =
  /connection refused|couldn't connect|failed to connect|connection reset|timed out|timeout|could not resolve host|temporary failure in name resolution|network is unreachable|returned error: 5\d\d|early eof|remote end hung up|rpc failed|unexpected disconnect|ssl_error|gnutls|bad gateway|service unavailable/i;

/** The lines the server itself printed (`remote: ...`), and git's `error:`/`fatal:` lines. */
function serverReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const remote = lines.filter((l) => l.startsWith('remote:')).map((l) => l.slice('remote:'.length).trim());
  const own = lines.filter((l) => /^(error|fatal):|\[remote rejected\]|! \[/.test(l));
  const picked = [...remote.filter(Boolean), ...own].slice(-6);
  return redactUrls((picked.length > 0 ? picked : lines.slice(-3)).join('; '));
}

/**
 * What a failed network git means: a refusal (not retried, with the server's reason) or an outage
 * (retried). `what` names the operation and the remote (already without credentials).
 */
export function classifyRemoteFailure(err: unknown, what: string): Error {
  if (!(err instanceof GitError)) return err as Error;
  const stderr = err.stderr || err.message;
  const reason = serverReason(stderr);
  for (const [pattern, label] of REFUSED) {
    if (pattern.test(stderr)) return new RemoteRefusedError(`${what}: ${label}: ${reason}`, { cause: err });
  }
  if (UNAVAILABLE.test(stderr)) return new RemoteUnavailableError(`${what}: remote unavailable: ${reason}`);
  return new RemoteUnavailableError(`${what} failed: ${reason}`);
}

/**
 * A push the remote rejected because the ref is not where the lease expected (someone else moved it):
 * git's own lease check (`stale info`), a non-fast-forward, or the server's atomic ref update losing
 * the race (`cannot lock ref ...: is at X but expected Y`). A hook's refusal is never one.
 */
export function isStaleRejection(err: unknown): boolean {
  if (!(err instanceof GitError) || /hook declined/i.test(err.stderr)) return false;
  return /stale info|fetch first|non-fast-forward|! \[rejected\]|cannot lock ref|but expected|failed to update ref/i.test(
    err.stderr,
  );
}
