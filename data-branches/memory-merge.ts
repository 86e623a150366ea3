import type { InStatement, ResultSet, Row, Transaction } from '@libsql/client';
import type { Db } from '../db/client.js';
import { toMemory, MEMORY_COLUMNS } from '../memory/memory-rows.js';
import { DEFAULT_DEDUP_THRESHOLD } from '../memory/memory-store.js';
import { storeOrMergeStatements } from '../memory/memory-writes.js';
import type { Memory } from '../memory/types.js';

export interface MemoryMergeCounts {
  /** Memories new to the target, added as rows of their own. */
  inserted: number;
  /** Memories new to the target that were near-duplicates of one there, and reinforced it instead. */
  folded: number;
  /** Memories both sides held since the fork, changed on the branch and combined into the target's row. */
  updated: number;
}

const union = <T>(into: T[], from: T[], keyOf: (v: T) => string = String): T[] => {
  const seen = new Set(into.map(keyOf));
  return [...into, ...from.filter((v) => !seen.has(keyOf(v)))];
};
const later = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);
const laterExpiry = (a: string | null, b: string | null) => (a === null || b === null ? null : a > b ? a : b);

/**
 * A memory held on both sides since the fork, reinforced on either: importance the larger, tags and
 * provenance the union, last access and expiry the later (never, if either never expires). Content
 * and embedding never change after a memory is written. Applying it again changes nothing.
 */
function combined(target: Memory, source: Memory) {
  return {
    importance: Math.max(target.importance, source.importance),
    tags: union(target.tags, source.tags),
    provenance: union(target.provenance, source.provenance, (p) => JSON.stringify(p)),
    lastAccessedAt: later(target.lastAccessedAt, source.lastAccessedAt),
    expiresAt: laterExpiry(target.expiresAt, source.expiresAt),
  };
}

/**
 * Merges the branch's memories into the target inside the merge's transaction. A memory the target
 * lacks is stored the way any new memory is: merged into a near-duplicate of the same type, branch
 * and embedding model (cosine similarity ≥ DEFAULT_DEDUP_THRESHOLD) or inserted under its own id and
 * dates. `merged_memories` remembers where each went, so merging again adds nothing. Expired
 * memories are not carried over.
 */
export async function mergeMemories(
  source: Db,
  tx: Transaction,
  sourceName: string,
  at: (label: string) => void,
  write: (stmt: InStatement) => Promise<void>,
  batch: (stmts: InStatement[]) => Promise<ResultSet[]>,
): Promise<MemoryMergeCounts> {
  const mergedAt = new Date().toISOString();
  const counts: MemoryMergeCounts = { inserted: 0, folded: 0, updated: 0 };
  const sourceRows = (await source.execute(`SELECT ${MEMORY_COLUMNS}, embedding FROM memories ORDER BY created_at, id`))
    .rows;
  const targetRows = new Map(
    (await tx.execute(`SELECT ${MEMORY_COLUMNS} FROM memories`)).rows.map((r: Row) => [String(r.id), toMemory(r)]),
  );
  const alreadyMerged = new Set(
    (await tx.execute('SELECT source_id FROM merged_memories')).rows.map((r) => String(r.source_id)),
  );

  for (const row of sourceRows) {
    const memory = toMemory(row);
    at(`memories ${memory.id}`);
    const there = targetRows.get(memory.id);
    if (there) {
      const next = combined(there, memory);
      const current = combined(there, there);
      if (JSON.stringify(next) === JSON.stringify(current)) continue;
      await write({
        sql: `UPDATE memories SET importance = ?, tags = ?, provenance = ?, last_accessed_at = ?, expires_at = ? WHERE id = ?`,
        args: [
          next.importance,
          JSON.stringify(next.tags),
          JSON.stringify(next.provenance),
          next.lastAccessedAt,
          next.expiresAt,
          memory.id,
        ],
      });
      counts.updated++;
      continue;
    }
    if (alreadyMerged.has(memory.id)) continue;
    if (memory.expiresAt !== null && memory.expiresAt <= mergedAt) continue;
    if (!(row.embedding instanceof ArrayBuffer) || memory.embeddingModel === null) continue;

    const [updated, inserted] = await batch(
      storeOrMergeStatements(
        {
          id: memory.id,
          content: memory.content,
          type: memory.type,
          importance: memory.importance,
          tags: memory.tags,
          provenance: {},
          branch: memory.branch,
          repo: memory.repo,
          embedding: new Float32Array(row.embedding.slice(0)),
          embeddingModel: memory.embeddingModel,
          createdAt: mergedAt,
          expiresAt: memory.expiresAt,
        },
        DEFAULT_DEDUP_THRESHOLD,
      ),
    );
    const foldedInto = updated?.rows[0]?.id;
    const targetId = foldedInto != null ? String(foldedInto) : memory.id;
    if (foldedInto != null) {
      // The near-duplicate keeps its content; it gains the branch memory's provenance.
      const into = toMemory(
        (await tx.execute({ sql: `SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = ?`, args: [targetId] })).rows[0]!,
      );
      await write({
        sql: 'UPDATE memories SET provenance = ? WHERE id = ?',
        args: [JSON.stringify(union(into.provenance, memory.provenance, (p) => JSON.stringify(p))), targetId],
      });
      counts.folded++;
    } else if (inserted?.rows[0]) {
      await write({
        sql: 'UPDATE memories SET provenance = ?, created_at = ?, last_accessed_at = ? WHERE id = ?',
        args: [JSON.stringify(memory.provenance), memory.createdAt, memory.lastAccessedAt, memory.id],
      });
      counts.inserted++;
    }
    await write({
      sql: 'INSERT INTO merged_memories (source_id, target_id, source_branch, merged_at) VALUES (?, ?, ?, ?)',
      args: [memory.id, targetId, sourceName, mergedAt],
    });
  }
  return counts;
}
