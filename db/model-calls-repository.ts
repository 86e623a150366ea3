import type { Db } from './client.js';
import { now, num, str } from './rows.js';

export interface ModelCall {
  taskId: string;
  attempt: number;
  turn: number;
  /** The activity's try number: a call repeated after a crash is a second row, since it was paid for twice. */
  try: number;
  modelType: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const totals = (row: Record<string, unknown>): UsageTotals => ({
  calls: Number(row.calls ?? 0),
  inputTokens: Number(row.input_tokens ?? 0),
  outputTokens: Number(row.output_tokens ?? 0),
  costUsd: Number(row.cost_usd ?? 0),
});

const SUMS =
  'COUNT(*) AS calls, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost_usd) AS cost_usd';

/** Token and cost accounting: every model call, summed per task and per model type. */
export function modelCallsRepository(db: Db) {
  return {
    async record(call: ModelCall): Promise<void> {
      await db.execute({
        sql: `INSERT INTO model_calls (task_id, attempt, turn, try, model_type, provider, model, input_tokens, output_tokens, cost_usd, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (task_id, attempt, turn, try) DO UPDATE SET input_tokens = excluded.input_tokens,
                output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd`,
        args: [
          call.taskId,
          call.attempt,
          call.turn,
          call.try,
          call.modelType,
          call.provider,
          call.model,
          call.inputTokens,
          call.outputTokens,
          call.costUsd,
          now(),
        ],
      });
    },

    async listForTask(taskId: string): Promise<ModelCall[]> {
      const rs = await db.execute({
        sql: 'SELECT * FROM model_calls WHERE task_id = ? ORDER BY attempt, turn, try',
        args: [taskId],
      });
      return rs.rows.map((r) => ({
        taskId: str(r, 'task_id'),
        attempt: num(r, 'attempt'),
        turn: num(r, 'turn'),
        try: num(r, 'try'),
        modelType: str(r, 'model_type'),
        provider: str(r, 'provider'),
        model: str(r, 'model'),
        inputTokens: num(r, 'input_tokens'),
        outputTokens: num(r, 'output_tokens'),
        costUsd: num(r, 'cost_usd'),
      }));
    },

    async totalsForTask(taskId: string): Promise<UsageTotals> {
      const rs = await db.execute({ sql: `SELECT ${SUMS} FROM model_calls WHERE task_id = ?`, args: [taskId] });
      return totals(rs.rows[0] ?? {});
    },

    async totalsByModelType(): Promise<Record<string, UsageTotals>> {
      const rs = await db.execute(
        `SELECT model_type, ${SUMS} FROM model_calls GROUP BY model_type ORDER BY model_type`,
      );
      return Object.fromEntries(rs.rows.map((r) => [str(r, 'model_type'), totals(r)]));
    },
  };
}
export type ModelCallsRepository = ReturnType<typeof modelCallsRepository>;
