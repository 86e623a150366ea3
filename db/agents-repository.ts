import type { Row } from '@libsql/client';
import type { Db } from './client.js';
import { json, now, num, optStr, str } from './rows.js';

export interface AgentRecord {
  id: string;
  modelType: string;
  taskQueue: string;
  skills: string[];
  host: string;
  pid: number;
  /** `lost`: registered as online but silent for longer than LOST_AFTER_MS (a killed worker cannot say goodbye). */
  status: 'online' | 'offline' | 'lost';
  startedAt: string;
  lastSeenAt: string;
  stoppedAt: string | null;
  currentTaskId: string | null;
  completed: number;
  failed: number;
}

/** Workers refresh `last_seen_at` every 10 s; three missed beats and a worker counts as lost. */
export const LOST_AFTER_MS = 30_000;

function toAgent(row: Row): AgentRecord {
  const lastSeenAt = str(row, 'last_seen_at');
  const registered = str(row, 'status') as 'online' | 'offline';
  const lost = registered === 'online' && Date.now() - Date.parse(lastSeenAt) > LOST_AFTER_MS;
  return {
    id: str(row, 'id'),
    modelType: str(row, 'model_type'),
    taskQueue: str(row, 'task_queue'),
    skills: json<string[]>(row, 'skills'),
    host: str(row, 'host'),
    pid: num(row, 'pid'),
    status: lost ? 'lost' : registered,
    startedAt: str(row, 'started_at'),
    lastSeenAt: str(row, 'last_seen_at'),
    stoppedAt: optStr(row, 'stopped_at'),
    currentTaskId: optStr(row, 'current_task_id'),
    completed: num(row, 'completed'),
    failed: num(row, 'failed'),
  };
}

/** The worker registry. Rows are never deleted: an offline worker keeps its history. */
export function agentsRepository(db: Db) {
  return {
    async register(
      agent: Pick<AgentRecord, 'id' | 'modelType' | 'taskQueue' | 'skills' | 'host' | 'pid'>,
    ): Promise<void> {
      const at = now();
      await db.execute({
        sql: `INSERT INTO agents (id, model_type, task_queue, skills, host, pid, status, started_at, last_seen_at)
              VALUES (?, ?, ?, ?, ?, ?, 'online', ?, ?)
              ON CONFLICT (id) DO UPDATE SET status = 'online', last_seen_at = excluded.last_seen_at, stopped_at = NULL`,
        args: [agent.id, agent.modelType, agent.taskQueue, JSON.stringify(agent.skills), agent.host, agent.pid, at, at],
      });
    },

    async heartbeat(id: string): Promise<void> {
      await db.execute({
        sql: `UPDATE agents SET last_seen_at = ?, status = 'online' WHERE id = ?`,
        args: [now(), id],
      });
    },

    async setCurrentTask(id: string, taskId: string | null): Promise<void> {
      await db.execute({
        sql: 'UPDATE agents SET current_task_id = ?, last_seen_at = ? WHERE id = ?',
        args: [taskId, now(), id],
      });
    },

    async markOffline(id: string): Promise<void> {
      const at = now();
      await db.execute({
        sql: `UPDATE agents SET status = 'offline', stopped_at = ?, last_seen_at = ?, current_task_id = NULL WHERE id = ?`,
        args: [at, at, id],
      });
    },

    /** Live workers; with includeOffline also the stopped and the lost ones. */
    async list(filter: { includeOffline?: boolean } = {}): Promise<AgentRecord[]> {
      const rs = await db.execute('SELECT * FROM agents ORDER BY model_type, started_at');
      const agents = rs.rows.map(toAgent);
      return filter.includeOffline ? agents : agents.filter((a) => a.status === 'online');
    },

    async get(id: string): Promise<AgentRecord | undefined> {
      const rs = await db.execute({ sql: 'SELECT * FROM agents WHERE id = ?', args: [id] });
      return rs.rows[0] ? toAgent(rs.rows[0]) : undefined;
    },
  };
}
export type AgentsRepository = ReturnType<typeof agentsRepository>;
