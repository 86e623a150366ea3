import type { Row } from '@libsql/client';
import type { Db } from './client.js';
import { now, optStr, str } from './rows.js';

export type BranchStatus = 'active' | 'merged' | 'failed' | 'abandoned';

export interface BranchRecord {
  repo: string;
  name: string;
  taskId: string | null;
  baseBranch: string;
  baseSha: string;
  headSha: string | null;
  status: BranchStatus;
  worktreePath: string | null;
  mergeCommit: string | null;
  updatedAt: string;
}

function toBranch(row: Row): BranchRecord {
  return {
    repo: str(row, 'repo'),
    name: str(row, 'name'),
    taskId: optStr(row, 'task_id'),
    baseBranch: str(row, 'base_branch'),
    baseSha: str(row, 'base_sha'),
    headSha: optStr(row, 'head_sha'),
    status: str(row, 'status') as BranchStatus,
    worktreePath: optStr(row, 'worktree_path'),
    mergeCommit: optStr(row, 'merge_commit'),
    updatedAt: str(row, 'updated_at'),
  };
}

export function branchesRepository(db: Db) {
  return {
    async upsert(b: Omit<BranchRecord, 'updatedAt' | 'mergeCommit'> & { mergeCommit?: string | null }): Promise<void> {
      await db.execute({
        sql: `INSERT INTO branches (repo, name, task_id, base_branch, base_sha, head_sha, status, worktree_path, merge_commit, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (repo, name) DO UPDATE SET task_id = excluded.task_id, base_branch = excluded.base_branch,
                base_sha = excluded.base_sha, head_sha = excluded.head_sha, status = excluded.status,
                worktree_path = excluded.worktree_path, merge_commit = COALESCE(excluded.merge_commit, branches.merge_commit),
                updated_at = excluded.updated_at`,
        args: [
          b.repo,
          b.name,
          b.taskId,
          b.baseBranch,
          b.baseSha,
          b.headSha,
          b.status,
          b.worktreePath,
          b.mergeCommit ?? null,
          now(),
        ],
      });
    },

    async get(repo: string, name: string): Promise<BranchRecord | undefined> {
      const rs = await db.execute({ sql: 'SELECT * FROM branches WHERE repo = ? AND name = ?', args: [repo, name] });
      return rs.rows[0] ? toBranch(rs.rows[0]) : undefined;
    },
  };
}
export type BranchesRepository = ReturnType<typeof branchesRepository>;
