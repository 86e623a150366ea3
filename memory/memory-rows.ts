import type { Row } from '@libsql/client';
import { json, num, optStr, str } from '../db/rows.js';
import type { Memory, MemoryType, Provenance } from './types.js';

/**
 * Declared in the version 2 migration; `vector_top_k` addresses the index by this name. Never empty
 * the table with a bare `DELETE FROM memories`: SQLite's truncate shortcut skips the vector index,
 * whose stale entries then make every later insert fail ("failed to insert shadow row", libSQL 0.18).
 * Any WHERE clause (`WHERE id IS NOT NULL`) deletes row by row and keeps the index right.
 */
export const MEMORY_VECTOR_INDEX = 'memories_embedding_idx';

/** Every column but the embedding, which callers never need back. */
export const MEMORY_COLUMNS =
  'id, content, type, importance, tags, provenance, branch, repo, embedding_model, created_at, last_accessed_at, expires_at';

/**
 * The raw float32 blob `vector32(?)` accepts: cheaper than a JSON array for 1,536 floats, both to
 * build and to parse. Float32Array is in platform byte order, little-endian on every platform libSQL
 * ships for, which is the order libSQL stores.
 */
export function vectorBlob(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

function provenanceList(row: Row): Provenance[] {
  const value = json<unknown>(row, 'provenance');
  if (Array.isArray(value)) return value as Provenance[];
  // A single object (written by hand or by older code) counts as one entry.
  return value && typeof value === 'object' && Object.keys(value).length > 0 ? [value as Provenance] : [];
}

export function toMemory(row: Row): Memory {
  return {
    id: str(row, 'id'),
    content: str(row, 'content'),
    type: str(row, 'type') as MemoryType,
    importance: num(row, 'importance'),
    tags: json<string[]>(row, 'tags'),
    provenance: provenanceList(row),
    branch: optStr(row, 'branch'),
    repo: optStr(row, 'repo'),
    embeddingModel: optStr(row, 'embedding_model'),
    createdAt: str(row, 'created_at'),
    lastAccessedAt: optStr(row, 'last_accessed_at'),
    expiresAt: optStr(row, 'expires_at'),
  };
}
