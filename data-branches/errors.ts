import { SwarmError } from '../errors/swarm-error.js';

/** A data-branch request that cannot be done as asked: a bad or taken name, an unknown branch, unfinished tasks. */
export class DataBranchInputError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'DataBranchInputError';
}

/** Data branches are not available with this configuration (no backend, or the backend refused). */
export class DataBranchConfigError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'DataBranchConfigError';
}

/** A merge that would break a constraint of the target; the merge's transaction was rolled back whole. */
export class DataBranchMergeConflictError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'DataBranchMergeConflictError';
}

/** The backend (sqld's admin API, Turso's Platform API) could not be reached or failed; trying again may work. */
export class DataBranchBackendError extends SwarmError {
  readonly kind = 'transient' as const;
  override name = 'DataBranchBackendError';
}
