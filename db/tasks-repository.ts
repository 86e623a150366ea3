import type { Row } from '@libsql/client';
import type { Task, TaskStatus } from '../tasks/task.js';
import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { json, now, num, optNum, optStr, str } from './rows.js';

export type NewTask = Omit<Task, 'status' | 'currentAttempt' | 'failureReason' | 'createdAt' | 'updatedAt'>;

function toTask(row: Row): Task {
  return {
    id: str(row, 'id'),
    title: str(row, 'title'),
    description: str(row, 'description'),
    priority: str(row, 'priority') as Task['priority'],
    skills: json<string[]>(row, 'skills'),
    acceptanceCriteria: json<string[]>(row, 'acceptance_criteria'),
    repo: str(row, 'repo'),
    baseBranch: str(row, 'base_branch'),
    branch: str(row, 'branch'),
    modelType: str(row, 'model_type'),
    maxAttempts: num(row, 'max_attempts'),
    budget: { maxTokens: optNum(row, 'budget_tokens'), maxCostUsd: optNum(row, 'budget_usd') },
    workflowId: str(row, 'workflow_id'),
    status: str(row, 'status') as TaskStatus,
    currentAttempt: num(row, 'current_attempt'),
    failureReason: optStr(row, 'failure_reason'),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  };
}

/** Title and description are the user's own words, stored as given; the failure reason is derived from agent and check output. */
export function tasksRepository(db: Db, persist: Persist = createPersist()) {
  return {
    /** Inserts the task; returns false when a task with this id already exists. */
    async insert(task: NewTask): Promise<boolean> {
      const at = now();
      const rs = await db.execute({
        sql: `INSERT INTO tasks (id, title, description, priority, skills, acceptance_criteria, repo, base_branch, branch,
                model_type, max_attempts, budget_tokens, budget_usd, workflow_id, status, created_at, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)
              ON CONFLICT (id) DO NOTHING`,
        args: [
          task.id,
          task.title,
          task.description,
          task.priority,
          JSON.stringify(task.skills),
          JSON.stringify(task.acceptanceCriteria),
          task.repo,
          task.baseBranch,
          task.branch,
          task.modelType,
          task.maxAttempts,
          task.budget.maxTokens,
          task.budget.maxCostUsd,
          task.workflowId,
          at,
          at,
        ],
      });
      return rs.rowsAffected === 1;
    },

    async get(id: string): Promise<Task | undefined> {
      const rs = await db.execute({ sql: 'SELECT * FROM tasks WHERE id = ?', args: [id] });
      return rs.rows[0] ? toTask(rs.rows[0]) : undefined;
    },

    async list(filter: { status?: TaskStatus; limit?: number } = {}): Promise<Task[]> {
      const rs = await db.execute({
        sql: `SELECT * FROM tasks ${filter.status ? 'WHERE status = ?' : ''} ORDER BY created_at DESC, id LIMIT ?`,
        args: filter.status ? [filter.status, filter.limit ?? 50] : [filter.limit ?? 50],
      });
      return rs.rows.map(toTask);
    },

    /** Terminal states are sticky: a late retry of an earlier step never moves a finished task back. */
    /** The limits a budget approval raised (or lifted), so the task shows them after its workflow ends. */
    async setBudget(id: string, budget: { maxTokens: number | null; maxCostUsd: number | null }): Promise<void> {
      await db.execute({
        sql: 'UPDATE tasks SET budget_tokens = ?, budget_usd = ?, updated_at = ? WHERE id = ?',
        args: [budget.maxTokens, budget.maxCostUsd, now(), id],
      });
    },

    async setStatus(
      id: string,
      status: TaskStatus,
      fields: { attempt?: number; failureReason?: string | null } = {},
    ): Promise<void> {
      await db.execute({
        sql: `UPDATE tasks SET status = ?, current_attempt = COALESCE(?, current_attempt),
                failure_reason = CASE WHEN ? THEN ? ELSE failure_reason END, updated_at = ?
              WHERE id = ? AND (status NOT IN ('succeeded', 'failed', 'cancelled') OR ? IN ('succeeded', 'failed', 'cancelled'))`,
        args: [
          status,
          fields.attempt ?? null,
          fields.failureReason !== undefined ? 1 : 0,
          persist.optText(fields.failureReason),
          now(),
          id,
          status,
        ],
      });
    },

    async countByStatus(): Promise<Record<string, number>> {
      const rs = await db.execute('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status');
      return Object.fromEntries(rs.rows.map((r) => [str(r, 'status'), num(r, 'n')]));
    },
  };
}
export type TasksRepository = ReturnType<typeof tasksRepository>;
