import type { Row } from '@libsql/client';
import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { json, now, num, optStr, str } from './rows.js';

export const ATTEMPT_STATUSES = ['running', 'agent_failed', 'checking', 'checks_failed', 'checks_passed'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export interface Attempt {
  taskId: string;
  attempt: number;
  status: AttemptStatus;
  modelType: string;
  agentId: string | null;
  feedbackArtifactId: string | null;
  /** The memories recalled into this attempt's prompt. */
  memoryIds: string[];
  promptArtifactId: string | null;
  transcriptArtifactId: string | null;
  summary: string | null;
  filesChanged: string[];
  commitSha: string | null;
  inputTokens: number;
  outputTokens: number;
  startedAt: string;
  finishedAt: string | null;
}

function toAttempt(row: Row): Attempt {
  return {
    taskId: str(row, 'task_id'),
    attempt: num(row, 'attempt'),
    status: str(row, 'status') as AttemptStatus,
    modelType: str(row, 'model_type'),
    agentId: optStr(row, 'agent_id'),
    feedbackArtifactId: optStr(row, 'feedback_artifact_id'),
    memoryIds: json<string[]>(row, 'memory_ids'),
    promptArtifactId: optStr(row, 'prompt_artifact_id'),
    transcriptArtifactId: optStr(row, 'transcript_artifact_id'),
    summary: optStr(row, 'summary'),
    filesChanged: json<string[]>(row, 'files_changed'),
    commitSha: optStr(row, 'commit_sha'),
    inputTokens: num(row, 'input_tokens'),
    outputTokens: num(row, 'output_tokens'),
    startedAt: str(row, 'started_at'),
    finishedAt: optStr(row, 'finished_at'),
  };
}

export function attemptsRepository(db: Db, persist: Persist = createPersist()) {
  return {
    /** Starts (or restarts, after a retry) an attempt; keyed by (task, attempt) so it never duplicates. */
    async start(a: {
      taskId: string;
      attempt: number;
      modelType: string;
      agentId: string;
      feedbackArtifactId: string | null;
    }): Promise<void> {
      await db.execute({
        sql: `INSERT INTO attempts (task_id, attempt, status, model_type, agent_id, feedback_artifact_id, started_at)
              VALUES (?, ?, 'running', ?, ?, ?, ?)
              ON CONFLICT (task_id, attempt) DO UPDATE SET status = 'running', agent_id = excluded.agent_id,
                feedback_artifact_id = excluded.feedback_artifact_id`,
        args: [a.taskId, a.attempt, a.modelType, a.agentId, a.feedbackArtifactId, now()],
      });
    },

    async recordAgentOutcome(a: {
      taskId: string;
      attempt: number;
      status: 'checking' | 'agent_failed';
      promptArtifactId: string;
      transcriptArtifactId: string;
      summary: string;
      filesChanged: string[];
      commitSha: string | null;
      inputTokens: number;
      outputTokens: number;
    }): Promise<void> {
      await db.execute({
        sql: `UPDATE attempts SET status = ?, prompt_artifact_id = ?, transcript_artifact_id = ?, summary = ?,
                files_changed = ?, commit_sha = ?, input_tokens = ?, output_tokens = ?,
                finished_at = CASE WHEN ? = 'agent_failed' THEN ? ELSE finished_at END
              WHERE task_id = ? AND attempt = ?`,
        args: [
          a.status,
          a.promptArtifactId,
          a.transcriptArtifactId,
          persist.text(a.summary),
          persist.json(a.filesChanged),
          a.commitSha,
          a.inputTokens,
          a.outputTokens,
          a.status,
          now(),
          a.taskId,
          a.attempt,
        ],
      });
    },

    async setMemories(taskId: string, attempt: number, memoryIds: string[]): Promise<void> {
      await db.execute({
        sql: 'UPDATE attempts SET memory_ids = ? WHERE task_id = ? AND attempt = ?',
        args: [JSON.stringify(memoryIds), taskId, attempt],
      });
    },

    async finishChecks(taskId: string, attempt: number, passed: boolean): Promise<void> {
      await db.execute({
        sql: 'UPDATE attempts SET status = ?, finished_at = ? WHERE task_id = ? AND attempt = ?',
        args: [passed ? 'checks_passed' : 'checks_failed', now(), taskId, attempt],
      });
    },

    async get(taskId: string, attempt: number): Promise<Attempt | undefined> {
      const rs = await db.execute({
        sql: 'SELECT * FROM attempts WHERE task_id = ? AND attempt = ?',
        args: [taskId, attempt],
      });
      return rs.rows[0] ? toAttempt(rs.rows[0]) : undefined;
    },

    async listForTask(taskId: string): Promise<Attempt[]> {
      const rs = await db.execute({ sql: 'SELECT * FROM attempts WHERE task_id = ? ORDER BY attempt', args: [taskId] });
      return rs.rows.map(toAttempt);
    },
  };
}
export type AttemptsRepository = ReturnType<typeof attemptsRepository>;
