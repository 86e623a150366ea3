import type { Row } from '@libsql/client';
import type { ChatMessage } from '../models/messages.js';
import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { bool, json, now, num, optStr, str } from './rows.js';

/**
 * What a finished turn returned to the workflow, stored with its checkpoint in the same write: a
 * retry of a turn whose completion was lost returns it again instead of running the turn twice.
 * (The shapes of agent/'s CallUsage and AttemptOutcome, which db/ does not import.)
 */
export interface TurnResult {
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
  /** Set on the turn that ended the attempt. */
  outcome: {
    status: 'completed' | 'failed';
    summary: string;
    commitSha: string | null;
    filesChanged: number;
    feedbackArtifactId: string | null;
  } | null;
  /** The tool calls the turn made, as short lines ("write_file src/x.ts"); absent on rows written before they were kept. */
  tools?: string[];
}

export interface AgentTurn {
  taskId: string;
  attempt: number;
  turn: number;
  modelType: string;
  /** What this turn added to the transcript: the model's message and the tool results. */
  messages: ChatMessage[];
  /** The task branch commit after this turn's tool calls: the checkpoint a resumed run starts from. */
  checkpointSha: string | null;
  done: boolean;
  /** What the turn returned; null for turn 0 (the attempt's start) and for rows written before it was kept. */
  result: TurnResult | null;
}

function toTurn(row: Row): AgentTurn {
  const result = optStr(row, 'result');
  return {
    taskId: str(row, 'task_id'),
    attempt: num(row, 'attempt'),
    turn: num(row, 'turn'),
    modelType: str(row, 'model_type'),
    messages: json<ChatMessage[]>(row, 'messages'),
    checkpointSha: optStr(row, 'checkpoint_sha'),
    done: bool(row, 'done'),
    result: result === null ? null : (JSON.parse(result) as TurnResult),
  };
}

/**
 * The agent's transcript and checkpoints, one row per turn (a CLI attempt has turn 0, its start, and
 * turn 1, its run); a retried turn replaces its own row.
 */
export function agentTurnsRepository(db: Db, persist: Persist = createPersist()) {
  return {
    async save(turn: AgentTurn): Promise<void> {
      await db.execute({
        sql: `INSERT INTO agent_turns (task_id, attempt, turn, model_type, messages, checkpoint_sha, done, result, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (task_id, attempt, turn) DO UPDATE SET model_type = excluded.model_type, messages = excluded.messages,
                checkpoint_sha = excluded.checkpoint_sha, done = excluded.done, result = excluded.result, created_at = excluded.created_at`,
        args: [
          turn.taskId,
          turn.attempt,
          turn.turn,
          turn.modelType,
          persist.json(turn.messages),
          turn.checkpointSha,
          turn.done ? 1 : 0,
          turn.result === null ? null : persist.json(turn.result),
          now(),
        ],
      });
    },

    async get(taskId: string, attempt: number, turn: number): Promise<AgentTurn | undefined> {
      const rs = await db.execute({
        sql: 'SELECT * FROM agent_turns WHERE task_id = ? AND attempt = ? AND turn = ?',
        args: [taskId, attempt, turn],
      });
      return rs.rows[0] ? toTurn(rs.rows[0]) : undefined;
    },

    /** Turns of an attempt before `beforeTurn`, in order. */
    async list(taskId: string, attempt: number, beforeTurn = Number.MAX_SAFE_INTEGER): Promise<AgentTurn[]> {
      const rs = await db.execute({
        sql: 'SELECT * FROM agent_turns WHERE task_id = ? AND attempt = ? AND turn < ? ORDER BY turn',
        args: [taskId, attempt, beforeTurn],
      });
      return rs.rows.map(toTurn);
    },
  };
}
export type AgentTurnsRepository = ReturnType<typeof agentTurnsRepository>;
