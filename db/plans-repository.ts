import type { Row } from '@libsql/client';
import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { now, num, optStr, str } from './rows.js';
import { insertTaskStatements, type NewTask } from './tasks-repository.js';

export const PLAN_STATUSES = ['awaiting_approval', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export type FailurePolicy = 'continue' | 'stop';

export interface Plan {
  id: string;
  goal: string;
  repo: string;
  baseBranch: string;
  modelType: string;
  parallel: number;
  failurePolicy: FailurePolicy;
  status: PlanStatus;
  workflowId: string;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewPlan = Omit<Plan, 'status' | 'failureReason' | 'createdAt' | 'updatedAt'>;

function toPlan(row: Row): Plan {
  return {
    id: str(row, 'id'),
    goal: str(row, 'goal'),
    repo: str(row, 'repo'),
    baseBranch: str(row, 'base_branch'),
    modelType: str(row, 'model_type'),
    parallel: num(row, 'parallel'),
    failurePolicy: str(row, 'failure_policy') as FailurePolicy,
    status: str(row, 'status') as PlanStatus,
    workflowId: str(row, 'workflow_id'),
    failureReason: optStr(row, 'failure_reason'),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  };
}

const FINISHED = "('succeeded', 'failed', 'cancelled')";

export function plansRepository(db: Db, persist: Persist = createPersist()) {
  return {
    /** The plan, its tasks and their dependencies in one batch: all of it is written or none. */
    async create(plan: NewPlan, tasks: Array<{ task: NewTask; dependsOn: string[] }>): Promise<void> {
      const at = now();
      await db.batch(
        [
          {
            sql: `INSERT INTO plans (id, goal, repo, base_branch, model_type, parallel, failure_policy, status, workflow_id, created_at, updated_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, 'awaiting_approval', ?, ?, ?)`,
            args: [
              plan.id,
              plan.goal,
              plan.repo,
              plan.baseBranch,
              plan.modelType,
              plan.parallel,
              plan.failurePolicy,
              plan.workflowId,
              at,
              at,
            ],
          },
          ...tasks.flatMap(({ task, dependsOn }) => insertTaskStatements({ ...task, planId: plan.id }, dependsOn)),
        ],
        'write',
      );
    },

    async get(id: string): Promise<Plan | undefined> {
      const rs = await db.execute({ sql: 'SELECT * FROM plans WHERE id = ?', args: [id] });
      return rs.rows[0] ? toPlan(rs.rows[0]) : undefined;
    },

    async list(limit = 50): Promise<Plan[]> {
      const rs = await db.execute({ sql: 'SELECT * FROM plans ORDER BY created_at DESC, id LIMIT ?', args: [limit] });
      return rs.rows.map(toPlan);
    },

    /** A finished plan keeps its final status: a late retry never moves it back. */
    async setStatus(id: string, status: PlanStatus, failureReason: string | null = null): Promise<void> {
      await db.execute({
        sql: `UPDATE plans SET status = ?, failure_reason = COALESCE(?, failure_reason), updated_at = ?
              WHERE id = ? AND status NOT IN ${FINISHED}`,
        args: [status, persist.optText(failureReason), now(), id],
      });
    },
  };
}
export type PlansRepository = ReturnType<typeof plansRepository>;
