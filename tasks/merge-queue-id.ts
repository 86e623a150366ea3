import { createHash } from 'node:crypto';

const repoHash = (repo: string) => createHash('sha256').update(repo).digest('hex').slice(0, 12);

/** The one merge queue of a (repository, base branch): its workflow id. */
export const mergeQueueId = (repo: string, baseBranch: string) => `merge-queue-${repoHash(repo)}-${baseBranch}`;

/** The one baseline collection of a base commit: its workflow id. */
export const baselineWorkflowId = (repo: string, commitSha: string) => `baseline-${repoHash(repo)}-${commitSha}`;
