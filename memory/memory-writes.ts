import type { InStatement, InValue } from '@libsql/client';
import { MEMORY_VECTOR_INDEX, vectorBlob } from './memory-rows.js';
import type { Provenance, ValidMemoryInput } from './types.js';

/** A validated memory with everything the row needs. */
export interface PreparedMemory extends Omit<ValidMemoryInput, 'ttlSeconds' | 'provenance'> {
  id: string;
  provenance: Provenance;
  embedding: Float32Array;
  embeddingModel: string;
  createdAt: string;
  expiresAt: string | null;
}

/**
 * Index candidates examined for a near-duplicate. A true near-duplicate is among the very nearest
 * vectors, so this only has to outlast neighbours of another type, repository, branch or model.
 */
const DEDUP_CANDIDATES = 16;

const hasProvenance = (p: Provenance) => Object.keys(p).length > 0;

function rowArgs(m: PreparedMemory) {
  return {
    id: m.id,
    content: m.content,
    type: m.type,
    importance: m.importance,
    tags: JSON.stringify([...new Set(m.tags)]),
    provenance: JSON.stringify(hasProvenance(m.provenance) ? [m.provenance] : []),
    branch: m.branch,
    repo: m.repo,
    embedding: vectorBlob(m.embedding),
    model: m.embeddingModel,
    now: m.createdAt,
    expiresAt: m.expiresAt,
  };
}

const INSERT_COLUMNS = `(id, content, type, importance, tags, provenance, branch, repo, embedding, embedding_model, created_at, last_accessed_at, expires_at)`;
const INSERT_VALUES = `:id, :content, :type, :importance, :tags, :provenance, :branch, :repo, vector32(:embedding), :model, :now, :now, :expiresAt`;

type Args = ReturnType<typeof rowArgs> & Record<string, InValue>;

/** A statement with just the named arguments its SQL uses: sqld refuses unused ones. */
function statement(sql: string, args: Args): InStatement {
  const names = new Set([...sql.matchAll(/:(\w+)/g)].map((m) => m[1]!));
  return { sql, args: Object.fromEntries(Object.entries(args).filter(([name]) => names.has(name))) };
}

/** The plain insert; also what the benchmark batches. */
export function insertMemoryStatement(m: PreparedMemory): InStatement {
  return statement(`INSERT INTO memories ${INSERT_COLUMNS} VALUES (${INSERT_VALUES})`, rowArgs(m));
}

/**
 * Store-or-merge as one atomic write batch, so concurrent workers storing the same lesson end with
 * one row: the batch's write transaction serialises them, and the second one finds the first's row.
 *
 * 1. Merge into the nearest live memory of the same type, branch and embedding model whose cosine
 *    similarity is at least `dedupThreshold`: importance becomes the larger of the two, tags the
 *    union, the new provenance entry (if any) is appended, last access is now, and the expiry becomes
 *    the later of the two (never, if either never expires). The older content and embedding stay.
 * 2. Insert a new row only if step 1 changed nothing.
 */
export function storeOrMergeStatements(m: PreparedMemory, dedupThreshold: number): InStatement[] {
  const args: Args = {
    ...rowArgs(m),
    k: DEDUP_CANDIDATES,
    maxDistance: 1 - dedupThreshold,
    newProvenance: hasProvenance(m.provenance) ? JSON.stringify(m.provenance) : null,
  };
  return [
    statement(
      `UPDATE memories SET
              importance = max(importance, :importance),
              tags = (SELECT json_group_array(value) FROM (
                        SELECT value FROM json_each(memories.tags) UNION SELECT value FROM json_each(:tags))),
              provenance = CASE WHEN :newProvenance IS NULL THEN provenance
                ELSE json_insert(CASE WHEN json_type(provenance) = 'array' THEN provenance ELSE '[]' END, '$[#]', json(:newProvenance)) END,
              last_accessed_at = :now,
              expires_at = CASE WHEN expires_at IS NULL OR :expiresAt IS NULL THEN NULL ELSE max(expires_at, :expiresAt) END
            WHERE id = (
              SELECT m.id FROM vector_top_k('${MEMORY_VECTOR_INDEX}', vector32(:embedding), :k) AS v
              JOIN memories AS m ON m.rowid = v.id
              WHERE m.type = :type AND m.branch IS :branch AND m.repo IS :repo AND m.embedding_model = :model
                AND (m.expires_at IS NULL OR m.expires_at > :now)
                AND vector_distance_cos(m.embedding, vector32(:embedding)) <= :maxDistance
              ORDER BY vector_distance_cos(m.embedding, vector32(:embedding)), m.created_at
              LIMIT 1)
            RETURNING id`,
      args,
    ),
    statement(`INSERT INTO memories ${INSERT_COLUMNS} SELECT ${INSERT_VALUES} WHERE changes() = 0 RETURNING id`, args),
  ];
}
