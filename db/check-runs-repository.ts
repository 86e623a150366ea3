import type { Row } from '@libsql/client';
import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { bool, now, num, optNum, str } from './rows.js';

export interface CheckRun {
  taskId: string;
  attempt: number;
  /** 1 for the checks after the agent's attempt; 2, 3, ... for re-runs after the base branch moved. */
  round: number;
  name: string;
  command: string;
  exitCode: number | null;
  passed: boolean;
  timedOut: boolean;
  durationMs: number;
  output: string;
  outputTruncated: boolean;
  /** The check's parsed metrics (quality/snapshot.ts CheckResult), so a resumed gate need not re-run it. */
  result: unknown;
  finishedAt: string;
}

function toCheckRun(row: Row): CheckRun {
  return {
    taskId: str(row, 'task_id'),
    attempt: num(row, 'attempt'),
    round: num(row, 'round'),
    name: str(row, 'name'),
    command: str(row, 'command'),
    exitCode: optNum(row, 'exit_code'),
    passed: bool(row, 'passed'),
    timedOut: bool(row, 'timed_out'),
    durationMs: num(row, 'duration_ms'),
    output: str(row, 'output'),
    outputTruncated: bool(row, 'output_truncated'),
    result: row.result == null ? null : JSON.parse(String(row.result)),
    finishedAt: str(row, 'finished_at'),
  };
}

export function checkRunsRepository(db: Db, persist: Persist = createPersist()) {
  return {
    async record(run: Omit<CheckRun, 'finishedAt'>): Promise<void> {
      await db.execute({
        sql: `INSERT INTO check_runs (task_id, attempt, round, name, command, exit_code, passed, timed_out, duration_ms,
                output, output_truncated, result, finished_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (task_id, attempt, round, name) DO UPDATE SET command = excluded.command,
                exit_code = excluded.exit_code, passed = excluded.passed, timed_out = excluded.timed_out,
                duration_ms = excluded.duration_ms, output = excluded.output,
                output_truncated = excluded.output_truncated, result = excluded.result, finished_at = excluded.finished_at`,
        args: [
          run.taskId,
          run.attempt,
          run.round,
          run.name,
          persist.text(run.command),
          run.exitCode,
          run.passed ? 1 : 0,
          run.timedOut ? 1 : 0,
          run.durationMs,
          persist.text(run.output),
          run.outputTruncated ? 1 : 0,
          run.result == null ? null : persist.json(run.result),
          now(),
        ],
      });
    },

    async list(taskId: string, attempt?: number, round?: number): Promise<CheckRun[]> {
      const rs = await db.execute({
        sql: `SELECT * FROM check_runs WHERE task_id = ? AND (? IS NULL OR attempt = ?) AND (? IS NULL OR round = ?)
              ORDER BY attempt, round, finished_at`,
        args: [taskId, attempt ?? null, attempt ?? null, round ?? null, round ?? null],
      });
      return rs.rows.map(toCheckRun);
    },
  };
}
export type CheckRunsRepository = ReturnType<typeof checkRunsRepository>;
