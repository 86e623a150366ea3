/**
 * Jetpack Cloud from code: `import { openSwarm } from 'jetpack-cloud'`. One typed entry point over
 * what the CLI does: tasks, memories, quality baselines, data branches and sync.
 */
export { openSwarm, type Swarm } from './open-swarm.js';
export type { OpenSwarmOptions } from './open-options.js';
export type { TaskStatusChange } from './tasks-api.js';
export type { OnDataBranch } from './data-api.js';
export { SwarmApiInputError } from './errors.js';

export { SwarmError, type ErrorKind, kindOf, isUsersToFix } from '../../errors/swarm-error.js';
export { ConfigError } from '../../config/config.js';
export { TaskInputError } from '../task-input-error.js';
export { MemoryInputError, EmbeddingDimensionMismatchError, EmbeddingProviderError } from '../../memory/errors.js';
export {
  DataBranchInputError,
  DataBranchConfigError,
  DataBranchMergeConflictError,
  DataBranchBackendError,
} from '../../data-branches/errors.js';
export { SyncUnavailableError } from '../../db/replica-sync.js';
export { TemporalTlsError, TemporalUnavailableError } from '../../errors/temporal-errors.js';
export { DatabaseUnavailableError } from '../../db/offline-replica.js';

export type { Task, TaskStatus, Priority } from '../../tasks/task.js';
export type { TaskResult } from '../../db/results-repository.js';
export type { StoredSnapshot } from '../../db/quality-repository.js';
export type { SyncStatus } from '../../db/sync-status.js';
export type { DataBranchRecord } from '../../data-branches/registry.js';
export type { DataBranchDetails } from '../../data-branches/data-branches.js';
export type { MergeReport } from '../../data-branches/merge.js';
export type { Memory, MemoryHit, MemoryInput, MemoryType, SearchQuery, ListQuery } from '../../memory/index.js';
export type { QualitySnapshot } from '../../quality/snapshot.js';
