import type { Row } from '@libsql/client';
import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { now, num, optStr, str } from './rows.js';

export type ResultStatus = 'succeeded' | 'failed' | 'cancelled';

export interface TaskResult {
  taskId: string;
  status: ResultStatus;
  attempts: number;
  branch: string;
  mergeCommit: string | null;
  summary: string;
  failureReason: string | null;
  agentId: string | null;
  finishedAt: string;
}

function toResult(row: Row): TaskResult {
  return {
    taskId: str(row, 'task_id'),
    status: str(row, 'status') as ResultStatus,
    attempts: num(row, 'attempts'),
    branch: str(row, 'branch'),
    mergeCommit: optStr(row, 'merge_commit'),
    summary: str(row, 'summary'),
    failureReason: optStr(row, 'failure_reason'),
    agentId: optStr(row, 'agent_id'),
    finishedAt: str(row, 'finished_at'),
  };
}

export function resultsRepository(db: Db, persist: Persist = createPersist()) {
  return {
    /**
     * Writes the task's single result, its final task status and the finishing agent's counter in one
     * atomic batch. Returns false when the result was already stored (a retried activity): then the
     * follow-up updates match nothing, because each is guarded by `changes()` of the statement before.
     */
    async recordOnce(result: Omit<TaskResult, 'finishedAt'>): Promise<boolean> {
      const at = now();
      const succeeded = result.status === 'succeeded' ? 1 : 0;
      const summary = persist.text(result.summary);
      const failureReason = persist.optText(result.failureReason);
      const [inserted] = await db.batch(
        [
          {
            sql: `INSERT INTO results (task_id, status, attempts, branch, merge_commit, summary, failure_reason, agent_id, finished_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id) DO NOTHING`,
            args: [
              result.taskId,
              result.status,
              result.attempts,
              result.branch,
              result.mergeCommit,
              summary,
              failureReason,
              result.agentId,
              at,
            ],
          },
          {
            sql: 'UPDATE tasks SET status = ?, failure_reason = ?, updated_at = ? WHERE id = ? AND changes() = 1',
            args: [result.status, failureReason, at, result.taskId],
          },
          {
            sql: `UPDATE agents SET completed = completed + ?, failed = failed + ?, current_task_id = NULL
                  WHERE id = ? AND changes() = 1`,
            args: [succeeded, 1 - succeeded, result.agentId],
          },
        ],
        'write',
      );
      return inserted!.rowsAffected === 1;
    },

    async get(taskId: string): Promise<TaskResult | undefined> {
      const rs = await db.execute({ sql: 'SELECT * FROM results WHERE task_id = ?', args: [taskId] });
      return rs.rows[0] ? toResult(rs.rows[0]) : undefined;
    },

    async count(taskId: string): Promise<number> {
      const rs = await db.execute({ sql: 'SELECT COUNT(*) AS n FROM results WHERE task_id = ?', args: [taskId] });
      return num(rs.rows[0]!, 'n');
    },
  };
}
export type ResultsRepository = ReturnType<typeof resultsRepository>;
