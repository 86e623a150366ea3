import type { Db } from '../db/client.js';
import type { Embedder } from './embedder.js';
import { EmbeddingDimensionMismatchError } from './errors.js';

/** n of the memories table's `embedding F32_BLOB(n)` column, as the database declares it. */
export async function declaredEmbeddingDimensions(db: Db): Promise<number> {
  const rs = await db.execute("SELECT type FROM pragma_table_info('memories') WHERE name = 'embedding'");
  const declared = rs.rows[0] ? String(rs.rows[0].type) : null;
  if (declared === null) throw new Error('the memories table is missing: run the database migrations first');
  const match = /^F32_BLOB\s*\(\s*(\d+)\s*\)$/i.exec(declared);
  if (!match) throw new Error(`memories.embedding is declared as ${declared}, expected F32_BLOB(n)`);
  return Number(match[1]);
}

/** Fails with both numbers and the way out when the embedder's vectors do not fit the column. */
export async function assertEmbedderFitsSchema(db: Db, embedder: Embedder): Promise<void> {
  const declared = await declaredEmbeddingDimensions(db);
  if (declared === embedder.dimensions) return;
  throw new EmbeddingDimensionMismatchError(
    `embedding dimensions do not match: the embedder (${embedder.model}) makes ${embedder.dimensions}-dimensional vectors, ` +
      `but this database's memories table stores F32_BLOB(${declared}). The column's size is fixed when the table is created: ` +
      `either set SWARM_EMBEDDING_DIMENSIONS=${declared} (if the embedding model can produce ${declared} dimensions), ` +
      `or keep ${embedder.dimensions} and use a new database.`,
  );
}
