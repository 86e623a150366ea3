import { randomUUID } from 'node:crypto';
import { openDatabase, type Db } from '../../db/client.js';
import { migrate } from '../../db/migrations.js';
import type { Embedder } from '../../memory/embedder.js';
import { createMemoryStore, type MemoryStore } from '../../memory/memory-store.js';
import { MEMORY_VECTOR_INDEX } from '../../memory/memory-rows.js';
import { insertMemoryStatement } from '../../memory/memory-writes.js';
import { MEMORY_TYPES } from '../../memory/types.js';

export const BATCH_ROWS = 500;
const MODEL = 'bench-synthetic';

/**
 * Hands back precomputed vectors by text, so `store()` and `vectorSearch()` run their real code
 * without an embedding service.
 */
function presetEmbedder(dimensions: number) {
  const vectors = new Map<string, Float32Array>();
  const embedder: Embedder = {
    model: MODEL,
    dimensions,
    async embed(texts) {
      return texts.map((text) => {
        const v = vectors.get(text);
        if (!v) throw new Error(`bench: no vector preset for "${text}"`);
        return v;
      });
    },
  };
  return { embedder, preset: (text: string, vector: Float32Array) => vectors.set(text, vector) };
}

export interface BenchDb {
  db: Db;
  store: MemoryStore;
  rows: number;
  preset(text: string, vector: Float32Array): void;
  close(): void;
}

/**
 * A local libSQL file (WAL, as `openDatabase` opens it) with the real migrations. `indexSettings`
 * replaces the migration's vector index options for a sizing run; `cacheMb` raises SQLite's page
 * cache above its 2 MB default, to see what that connection setting would buy.
 */
export async function openBenchDb(
  file: string,
  dims: number,
  indexSettings?: string[],
  cacheMb?: number,
): Promise<BenchDb> {
  const db = await openDatabase({ mode: 'local', path: file });
  if (cacheMb) await db.execute(`PRAGMA cache_size = -${Math.round(cacheMb * 1024)}`);
  await migrate(db, { embeddingDimensions: dims });
  if (indexSettings) {
    const options = ['metric=cosine', ...indexSettings].map((o) => `'${o.replace(/'/g, '')}'`).join(', ');
    await db.batch(
      [
        `DROP INDEX ${MEMORY_VECTOR_INDEX}`,
        `CREATE INDEX ${MEMORY_VECTOR_INDEX} ON memories (libsql_vector_idx(embedding, ${options}))`,
      ],
      'write',
    );
  }
  const { embedder, preset } = presetEmbedder(dims);
  const store = await createMemoryStore({ db, embedder });
  return { db, store, rows: 0, preset, close: () => db.close() };
}

/** The options of the vector index as the database has them. */
export async function indexSettingsOf(db: Db): Promise<string> {
  const rs = await db.execute({
    sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
    args: [MEMORY_VECTOR_INDEX],
  });
  const sql = String(rs.rows[0]?.sql ?? '');
  return /libsql_vector_idx\s*\(([\s\S]*)\)\s*\)\s*$/.exec(sql)?.[1]?.replace(/\s+/g, ' ').trim() ?? sql;
}

/**
 * Inserts `count` rows through the store's own INSERT statement, BATCH_ROWS per write transaction,
 * stopping early at `deadline` (a performance.now() time). Returns how many went in and how long it took.
 */
export async function insertRows(bench: BenchDb, count: number, next: () => Float32Array, deadline = Infinity) {
  const started = performance.now();
  let inserted = 0;
  while (inserted < count && performance.now() < deadline) {
    const n = Math.min(BATCH_ROWS, count - inserted);
    const at = new Date().toISOString();
    const statements = Array.from({ length: n }, (_, i) => {
      const row = bench.rows + i;
      return insertMemoryStatement({
        id: randomUUID(),
        content: `synthetic memory ${row}`,
        type: MEMORY_TYPES[row % MEMORY_TYPES.length]!,
        importance: 0.5,
        tags: [],
        provenance: {},
        branch: row % 2 === 0 ? null : 'main',
        repo: null,
        embedding: next(),
        embeddingModel: MODEL,
        createdAt: at,
        expiresAt: null,
      });
    });
    await bench.db.batch(statements, 'write');
    bench.rows += n;
    inserted += n;
  }
  return { inserted, seconds: (performance.now() - started) / 1000 };
}
