import type { Db } from './client.js';

/** Swarm-wide counts read from the database: what the metrics endpoint and the dashboard show. */
export interface SwarmStats {
  tasksByStatus: Record<string, number>;
  /** Attempts by model type and attempt status. */
  attempts: Array<{ modelType: string; status: string; count: number }>;
  /** Gate verdicts of attempts (every round). */
  gateVerdicts: { pass: number; regression: number };
  usageByModel: Array<{ modelType: string; calls: number; inputTokens: number; outputTokens: number; costUsd: number }>;
  /** Tasks whose gate passed and that wait to land (status `merging`), and the longest wait so far. */
  landing: { waiting: number; oldestWaitSeconds: number };
}

/** Tokens and cost per model type per hour: the dashboard's usage chart. */
export interface UsageBucket {
  hour: string;
  modelType: string;
  tokens: number;
  costUsd: number;
}

/** Each baseline of a branch in time order: the dashboard's quality trend (tests, lint and type errors). */
export interface QualityPoint {
  repo: string;
  branch: string;
  commitSha: string | null;
  at: string;
  failedTests: number;
  lintErrors: number;
  typeErrors: number;
}

interface CheckMetrics {
  tests?: { failed?: number } | null;
  lint?: { errors?: number } | null;
  typecheck?: { errors?: number } | null;
}

export function statsRepository(db: Db) {
  return {
    async swarmStats(now = new Date()): Promise<SwarmStats> {
      const [tasks, attempts, verdicts, usage, landing] = await db.batch(
        [
          'SELECT status, COUNT(*) AS n FROM tasks GROUP BY status',
          'SELECT model_type, status, COUNT(*) AS n FROM attempts GROUP BY model_type, status',
          `SELECT passed, COUNT(*) AS n FROM quality_snapshots WHERE kind = 'attempt' GROUP BY passed`,
          `SELECT model_type, COUNT(*) AS calls, SUM(input_tokens) AS input, SUM(output_tokens) AS output, SUM(cost_usd) AS cost
             FROM model_calls GROUP BY model_type`,
          `SELECT COUNT(*) AS n, MIN(updated_at) AS oldest FROM tasks WHERE status = 'merging'`,
        ],
        'read',
      );
      const oldest = landing!.rows[0]?.oldest;
      return {
        tasksByStatus: Object.fromEntries(tasks!.rows.map((r) => [String(r.status), Number(r.n)])),
        attempts: attempts!.rows.map((r) => ({
          modelType: String(r.model_type),
          status: String(r.status),
          count: Number(r.n),
        })),
        gateVerdicts: {
          pass: Number(verdicts!.rows.find((r) => Number(r.passed) === 1)?.n ?? 0),
          regression: Number(verdicts!.rows.find((r) => Number(r.passed) === 0)?.n ?? 0),
        },
        usageByModel: usage!.rows.map((r) => ({
          modelType: String(r.model_type),
          calls: Number(r.calls),
          inputTokens: Number(r.input ?? 0),
          outputTokens: Number(r.output ?? 0),
          costUsd: Number(r.cost ?? 0),
        })),
        landing: {
          waiting: Number(landing!.rows[0]?.n ?? 0),
          oldestWaitSeconds: oldest ? Math.max(0, (now.getTime() - Date.parse(String(oldest))) / 1000) : 0,
        },
      };
    },

    /** Tokens and cost of each of these tasks (tasks without model calls are left out). */
    async usageByTask(taskIds: string[]): Promise<Record<string, { tokens: number; costUsd: number }>> {
      if (taskIds.length === 0) return {};
      const rs = await db.execute({
        sql: `SELECT task_id, SUM(input_tokens + output_tokens) AS tokens, SUM(cost_usd) AS cost FROM model_calls
                WHERE task_id IN (${taskIds.map(() => '?').join(', ')}) GROUP BY task_id`,
        args: taskIds,
      });
      return Object.fromEntries(
        rs.rows.map((r) => [String(r.task_id), { tokens: Number(r.tokens), costUsd: Number(r.cost) }]),
      );
    },

    async usageOverTime(sinceIso: string): Promise<UsageBucket[]> {
      const rs = await db.execute({
        sql: `SELECT substr(created_at, 1, 13) AS hour, model_type, SUM(input_tokens + output_tokens) AS tokens, SUM(cost_usd) AS cost
                FROM model_calls WHERE created_at >= ? GROUP BY hour, model_type ORDER BY hour`,
        args: [sinceIso],
      });
      return rs.rows.map((r) => ({
        hour: `${String(r.hour)}:00:00Z`,
        modelType: String(r.model_type),
        tokens: Number(r.tokens),
        costUsd: Number(r.cost),
      }));
    },

    async qualityTrend(limit = 200): Promise<QualityPoint[]> {
      const rs = await db.execute({
        sql: `SELECT repo, branch, commit_sha, created_at, metrics FROM quality_snapshots
                WHERE kind = 'baseline' ORDER BY created_at DESC LIMIT ?`,
        args: [limit],
      });
      return rs.rows
        .map((r) => {
          let checks: CheckMetrics[] = [];
          try {
            checks = (JSON.parse(String(r.metrics)) as { checks?: CheckMetrics[] }).checks ?? [];
          } catch {
            // An unreadable snapshot counts as empty.
          }
          const sum = (pick: (c: CheckMetrics) => number | undefined) => checks.reduce((n, c) => n + (pick(c) ?? 0), 0);
          return {
            repo: String(r.repo ?? ''),
            branch: String(r.branch),
            commitSha: r.commit_sha === null ? null : String(r.commit_sha),
            at: String(r.created_at),
            failedTests: sum((c) => c.tests?.failed),
            lintErrors: sum((c) => c.lint?.errors),
            typeErrors: sum((c) => c.typecheck?.errors),
          };
        })
        .reverse();
    },
  };
}
export type StatsRepository = ReturnType<typeof statsRepository>;
