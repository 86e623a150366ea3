import { SwarmError } from '../errors/swarm-error.js';
/** A repository or worktree the worker cannot (or must not) use; retrying does not help. */
export class RepoError extends SwarmError {
  readonly kind = 'fatal' as const;
  override name = 'RepoError';
}
