import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { now } from './rows.js';

/** Large texts (prompts, transcripts, feedback, logs) live here; workflow history carries only their ids. */
export function artifactsRepository(db: Db, persist: Persist = createPersist()) {
  return {
    /** Idempotent: the id is derived from (task, attempt, kind) by the caller, so a retried write replaces itself. */
    async put(artifact: { id: string; taskId: string; kind: string; content: string }): Promise<string> {
      const content = persist.text(artifact.content, 'artifact');
      await db.execute({
        sql: `INSERT INTO artifacts (id, task_id, kind, content, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT (id) DO UPDATE SET content = excluded.content, bytes = excluded.bytes`,
        args: [artifact.id, artifact.taskId, artifact.kind, content, Buffer.byteLength(content), now()],
      });
      return artifact.id;
    },

    async get(id: string): Promise<string | undefined> {
      const rs = await db.execute({ sql: 'SELECT content FROM artifacts WHERE id = ?', args: [id] });
      return rs.rows[0] ? String(rs.rows[0].content) : undefined;
    },
  };
}
export type ArtifactsRepository = ReturnType<typeof artifactsRepository>;
