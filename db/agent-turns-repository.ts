import type { Row } from '@libsql/client';
import type { ChatMessage } from '../models/messages.js';
import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { bool, json, now, num, optStr, str } from './rows.js';

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
}

function toTurn(row: Row): AgentTurn {
  return {
    taskId: str(row, 'task_id'),
    attempt: num(row, 'attempt'),
    turn: num(row, 'turn'),
    modelType: str(row, 'model_type'),
    messages: json<ChatMessage[]>(row, 'messages'),
    checkpointSha: optStr(row, 'checkpoint_sha'),
    done: bool(row, 'done'),
  };
}

/** The agent loop's transcript, one row per turn; a retried turn replaces its own row. */
export function agentTurnsRepository(db: Db, persist: Persist = createPersist()) {
  return {
    async save(turn: AgentTurn): Promise<void> {
      await db.execute({
        sql: `INSERT INTO agent_turns (task_id, attempt, turn, model_type, messages, checkpoint_sha, done, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (task_id, attempt, turn) DO UPDATE SET model_type = excluded.model_type, messages = excluded.messages,
                checkpoint_sha = excluded.checkpoint_sha, done = excluded.done, created_at = excluded.created_at`,
        args: [turn.taskId, turn.attempt, turn.turn, turn.modelType, persist.json(turn.messages), turn.checkpointSha, turn.done ? 1 : 0, now()],
      });
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
