import type { Db } from '../db/client.js';
import { MEMORY_VECTOR_INDEX, vectorBlob } from './memory-rows.js';
import type { MemoryType } from './types.js';

export interface SearchFilter {
  types?: MemoryType[];
  /**
   * Omitted: every branch. A branch name: memories of that branch and global ones (branch NULL),
   * since what holds everywhere also holds on the branch. null: global memories only.
   */
  branch?: string | null;
  /** Like `branch`, for the repository: a path means its memories and those of every repository (repo NULL). */
  repo?: string | null;
  /** Vectors of different models live in different spaces: only the query's model is compared. */
  embeddingModel: string;
  /** ISO time; memories that expired by then are never candidates. */
  now: string;
}

export interface Candidate {
  rowid: number;
  similarity: number;
}

/** First index fetch: `limit × OVERFETCH` neighbours (at least MIN_FETCH), to survive the filters. */
const OVERFETCH = 4;
const MIN_FETCH = 40;
/** Past this many index neighbours the filters are too selective for the index: scan the filtered rows instead. */
const MAX_FETCH = 640;

function filterSql(filter: SearchFilter, alias: string): { sql: string; args: Record<string, string | null> } {
  const args: Record<string, string | null> = { model: filter.embeddingModel, now: filter.now };
  const clauses = [`${alias}.embedding_model = :model`, `(${alias}.expires_at IS NULL OR ${alias}.expires_at > :now)`];
  if (filter.types && filter.types.length > 0) {
    clauses.push(`${alias}.type IN (${filter.types.map((_, i) => `:type${i}`).join(', ')})`);
    filter.types.forEach((type, i) => (args[`type${i}`] = type));
  }
  if (filter.branch === null) clauses.push(`${alias}.branch IS NULL`);
  else if (filter.branch !== undefined) {
    clauses.push(`(${alias}.branch = :branch OR ${alias}.branch IS NULL)`);
    args.branch = filter.branch;
  }
  if (filter.repo === null) clauses.push(`${alias}.repo IS NULL`);
  else if (filter.repo !== undefined) {
    clauses.push(`(${alias}.repo = :repo OR ${alias}.repo IS NULL)`);
    args.repo = filter.repo;
  }
  return { sql: clauses.join(' AND '), args };
}

/** Every live row that passes the filter, ranked exactly by cosine distance: a full scan of those rows. */
export async function exactCandidates(
  db: Db,
  query: Float32Array,
  filter: SearchFilter,
  limit: number,
  threshold: number,
): Promise<Candidate[]> {
  const where = filterSql(filter, 'm');
  const rs = await db.execute({
    sql: `SELECT m.rowid AS rid, vector_distance_cos(m.embedding, vector32(:query)) AS distance
          FROM memories AS m
          WHERE ${where.sql} AND distance <= :maxDistance
          ORDER BY distance LIMIT :limit`,
    args: { ...where.args, query: vectorBlob(query), maxDistance: 1 - threshold, limit },
  });
  return rs.rows.map((r) => ({ rowid: Number(r.rid), similarity: 1 - Number(r.distance) }));
}

/**
 * Approximate nearest neighbours from the DiskANN index (`vector_top_k`), filtered afterwards and
 * re-ranked by exact cosine distance. The index knows nothing of the filters, so it is asked for more
 * neighbours than needed and, while too few pass, for four times as many. When the index has no more
 * rows, or its farthest neighbour is already below the threshold, the answer is complete; when even
 * MAX_FETCH neighbours are not enough, the filter is selective and the exact scan of the rows it
 * selects is the better plan.
 */
export async function indexedCandidates(
  db: Db,
  query: Float32Array,
  filter: SearchFilter,
  limit: number,
  threshold: number,
): Promise<Candidate[]> {
  const where = filterSql(filter, 'm');
  let k = Math.min(Math.max(limit * OVERFETCH, MIN_FETCH), MAX_FETCH);
  for (;;) {
    const rs = await db.execute({
      sql: `SELECT m.rowid AS rid, vector_distance_cos(m.embedding, vector32(:query)) AS distance, (${where.sql}) AS eligible
            FROM vector_top_k('${MEMORY_VECTOR_INDEX}', vector32(:query), :k) AS v
            JOIN memories AS m ON m.rowid = v.id`,
      args: { ...where.args, query: vectorBlob(query), k },
    });
    const all = rs.rows.map((r) => ({
      rowid: Number(r.rid),
      similarity: 1 - Number(r.distance),
      eligible: Number(r.eligible) === 1,
    }));
    const hits = all
      .filter((c) => c.eligible && c.similarity >= threshold)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, limit)
      .map(({ rowid, similarity }) => ({ rowid, similarity }));
    const indexExhausted = all.length < k;
    const belowThreshold = all.some((c) => c.similarity < threshold);
    if (hits.length >= limit || indexExhausted || belowThreshold) return hits;
    if (k >= MAX_FETCH) return exactCandidates(db, query, filter, limit, threshold);
    k = Math.min(k * OVERFETCH, MAX_FETCH);
  }
}
