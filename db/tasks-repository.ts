import type { InStatement, Row } from '@libsql/client';
import type { Task, TaskStatus } from '../tasks/task.js';
import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { json, now, num, optNum, optStr, str } from './rows.js';

export type NewTask = Omit<
  Task,
  'status' | 'currentAttempt' | 'failureReason' | 'createdAt' | 'updatedAt' | 'planId' | 'planKey'
> & { planId?: string | null; planKey?: string | null };

/** The statements inserting a task and what it depends on; run in one batch, so both or neither are written. */
export function insertTaskStatements(task: NewTask, dependsOn: string[] = []): InStatement[] {
  const at = now();
  return [
    {
      sql: `INSERT INTO tasks (id, title, description, priority, skills, acceptance_criteria, repo, base_branch, branch,
              model_type, max_attempts, budget_tokens, budget_usd, workflow_id, status, plan_id, plan_key, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
        dependsOn.length > 0 ? 'blocked' : 'queued',
        task.planId ?? null,
        task.planKey ?? null,
        at,
        at,
      ],
    },
    ...dependsOn.map((dependency) => ({
      sql: 'INSERT INTO task_dependencies (task_id, depends_on) VALUES (?, ?) ON CONFLICT DO NOTHING',
      args: [task.id, dependency],
    })),
  ];
}

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
    planId: optStr(row, 'plan_id'),
    planKey: optStr(row, 'plan_key'),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  };
}

/** Title and description are the user's own words, stored as given; the failure reason is derived from agent and check output. */
export function tasksRepository(db: Db, persist: Persist = createPersist()) {
  return {
    /** Inserts the task and its dependencies at once; returns false when a task with this id already exists. */
    async insert(task: NewTask, dependsOn: string[] = []): Promise<boolean> {
      const [inserted] = await db.batch(insertTaskStatements(task, dependsOn), 'write');
      return inserted!.rowsAffected === 1;
    },

    /** The ids a task depends on. */
    async dependenciesOf(id: string): Promise<string[]> {
      const rs = await db.execute({
        sql: 'SELECT depends_on FROM task_dependencies WHERE task_id = ? ORDER BY depends_on',
        args: [id],
      });
      return rs.rows.map((r) => str(r, 'depends_on'));
    },

    /** The tasks that depend on this one. */
    async dependentsOf(id: string): Promise<Task[]> {
      const rs = await db.execute({
        sql: `SELECT t.* FROM task_dependencies d JOIN tasks t ON t.id = d.task_id WHERE d.depends_on = ? ORDER BY t.id`,
        args: [id],
      });
      return rs.rows.map(toTask);
    },

    async listForPlan(planId: string): Promise<Array<Task & { dependsOn: string[] }>> {
      const [tasks, deps] = await db.batch(
        [
          { sql: 'SELECT * FROM tasks WHERE plan_id = ? ORDER BY rowid', args: [planId] },
          {
            sql: `SELECT d.task_id, d.depends_on FROM task_dependencies d JOIN tasks t ON t.id = d.task_id WHERE t.plan_id = ?`,
            args: [planId],
          },
        ],
        'read',
      );
      return tasks!.rows.map((row) => {
        const task = toTask(row);
        const dependsOn = deps!.rows.filter((d) => str(d, 'task_id') === task.id).map((d) => str(d, 'depends_on'));
        return { ...task, dependsOn };
      });
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
