/** A repository or worktree the worker cannot (or must not) use; retrying does not help. */
export class RepoError extends Error {
  override name = 'RepoError';
}
