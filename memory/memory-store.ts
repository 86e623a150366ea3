import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import type { Db } from '../db/client.js';
import { createRedactor, type Redactor } from '../secrets/index.js';
import type { Embedder } from './embedder.js';
import { MemoryInputError } from './errors.js';
import { MEMORY_COLUMNS, toMemory } from './memory-rows.js';
import { exactCandidates, indexedCandidates, type Candidate, type SearchFilter } from './memory-search.js';
import { storeOrMergeStatements, type PreparedMemory } from './memory-writes.js';
import { assertEmbedderFitsSchema } from './schema-dimensions.js';
import {
  MAX_CONTENT_CHARS,
  MEMORY_TYPES,
  memoryInputSchema,
  type Memory,
  type MemoryHit,
  type MemoryInput,
  type MemoryType,
  type ValidMemoryInput,
} from './types.js';

export const DEFAULT_DEDUP_THRESHOLD = 0.95;

const memoryType = z.enum(MEMORY_TYPES);
const repoFilter = z.string().min(1, 'repo must not be empty (use null for every repository)').nullable().optional();
const branchFilter = z.string().min(1, 'branch must not be empty (use null for global memories)').nullable().optional();

const searchQuerySchema = z
  .object({
    text: z.string().trim().min(1, 'text must not be empty').max(MAX_CONTENT_CHARS).optional(),
    embedding: z
      .union([z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array'), z.array(z.number())])
      .optional(),
    limit: z.number().int().min(1).max(100, 'limit is at most 100').default(10),
    /** Minimum cosine similarity of a hit. */
    threshold: z.number().min(-1).max(1).default(0),
    type: z.union([memoryType, z.array(memoryType).min(1)]).optional(),
    branch: branchFilter,
    repo: repoFilter,
    /** Rank every filtered row exactly instead of asking the vector index (slower; the benchmark's reference). */
    exact: z.boolean().default(false),
  })
  .strict()
  .refine((q) => (q.text === undefined) !== (q.embedding === undefined), 'give either text or embedding, not both');
export type SearchQuery = z.input<typeof searchQuerySchema>;

const listQuerySchema = z
  .object({
    type: z.union([memoryType, z.array(memoryType).min(1)]).optional(),
    branch: branchFilter,
    repo: repoFilter,
    limit: z.number().int().min(1).max(1000).default(50),
  })
  .strict();
export type ListQuery = z.input<typeof listQuerySchema>;

export interface StoreResult {
  id: string;
  /** True when the memory was a near-duplicate and reinforced an existing row instead of adding one. */
  merged: boolean;
}

export interface MemoryStore {
  readonly embedder: Embedder;
  /** Validates, embeds and stores one memory, or merges it into a near-duplicate. */
  store(input: MemoryInput, signal?: AbortSignal): Promise<StoreResult>;
  /** Like `store` for several memories, with one embedding request for all of them. */
  storeMany(inputs: MemoryInput[], signal?: AbortSignal): Promise<StoreResult[]>;
  /** Live memories nearest to the query, most similar first; marks them accessed. */
  vectorSearch(query: SearchQuery, signal?: AbortSignal): Promise<MemoryHit[]>;
  /** Live memories, newest first. */
  list(query?: ListQuery): Promise<Memory[]>;
  /** The live memory with this id; expired memories are gone even before `deleteExpired` removes them. */
  get(id: string): Promise<Memory | undefined>;
  /** Removes expired memories; returns how many. */
  deleteExpired(): Promise<number>;
}

export interface MemoryStoreOptions {
  db: Db;
  embedder: Embedder;
  /** Cosine similarity from which a new memory of the same type, repository and branch merges into an existing one. */
  dedupThreshold?: number;
  /**
   * Redacts each memory's content, tags and provenance before it is embedded and stored, and each
   * search text before it is embedded: memories are built from agent and check output, and every
   * later task may recall them. Default: key patterns only (no known secret values).
   */
  redactor?: Redactor;
  now?: () => Date;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new MemoryInputError(`invalid ${what}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

const asList = (type: MemoryType | MemoryType[] | undefined): MemoryType[] | undefined =>
  type === undefined ? undefined : Array.isArray(type) ? type : [type];

/**
 * The shared-memory service over the `memories` table. Checks at creation that the embedder's
 * dimension matches the table's `F32_BLOB(n)` column.
 */
export async function createMemoryStore(options: MemoryStoreOptions): Promise<MemoryStore> {
  const { db, embedder } = options;
  const dedupThreshold = parse(
    z.number().min(0).max(1),
    options.dedupThreshold ?? DEFAULT_DEDUP_THRESHOLD,
    'dedupThreshold',
  );
  const clock = options.now ?? (() => new Date());
  const redactor = options.redactor ?? createRedactor();
  /** Validates, then redacts: the branch is a filter key and stays as given. */
  const validMemory = (input: MemoryInput, what: string): ValidMemoryInput => {
    const valid = parse(memoryInputSchema, input, what);
    const { content, tags, provenance } = redactor.redactValue({
      content: valid.content,
      tags: valid.tags,
      provenance: valid.provenance,
    });
    return { ...valid, content, tags, provenance };
  };
  await assertEmbedderFitsSchema(db, embedder);

  const storeEmbedded = async (valid: ValidMemoryInput, embedding: Float32Array): Promise<StoreResult> => {
    const now = clock();
    const prepared: PreparedMemory = {
      ...valid,
      id: randomUUID(),
      embedding,
      embeddingModel: embedder.model,
      createdAt: now.toISOString(),
      expiresAt:
        valid.ttlSeconds === undefined ? null : new Date(now.getTime() + valid.ttlSeconds * 1000).toISOString(),
    };
    const [updated, inserted] = await db.batch(storeOrMergeStatements(prepared, dedupThreshold), 'write');
    const mergedInto = updated?.rows[0]?.id;
    if (mergedInto != null) return { id: String(mergedInto), merged: true };
    if (!inserted?.rows[0]) throw new Error('memory store: neither merged nor inserted');
    return { id: prepared.id, merged: false };
  };

  /** Marks the hits accessed and reads them back in one statement. */
  const touch = async (candidates: Candidate[], now: string): Promise<MemoryHit[]> => {
    if (candidates.length === 0) return [];
    const rs = await db.execute({
      sql: `UPDATE memories SET last_accessed_at = ? WHERE rowid IN (${candidates.map(() => '?').join(', ')})
            RETURNING rowid AS rid, ${MEMORY_COLUMNS}`,
      args: [now, ...candidates.map((c) => c.rowid)],
    });
    const byRowid = new Map(rs.rows.map((row) => [Number(row.rid), toMemory(row)]));
    return candidates.flatMap((c) => {
      const memory = byRowid.get(c.rowid);
      return memory ? [{ memory, similarity: c.similarity }] : [];
    });
  };

  return {
    embedder,

    async store(input, signal) {
      const valid = validMemory(input, 'memory');
      const [embedding] = await embedder.embed([valid.content], signal);
      return storeEmbedded(valid, embedding!);
    },

    async storeMany(inputs, signal) {
      const valid = inputs.map((input, i) => validMemory(input, `memory ${i}`));
      if (valid.length === 0) return [];
      const embeddings = await embedder.embed(
        valid.map((v) => v.content),
        signal,
      );
      const results: StoreResult[] = [];
      // One at a time: a later memory may be a near-duplicate of an earlier one in the same call.
      for (const [i, v] of valid.entries()) results.push(await storeEmbedded(v, embeddings[i]!));
      return results;
    },

    async vectorSearch(query, signal) {
      const q = parse(searchQuerySchema, query, 'memory search');
      let vector: Float32Array;
      if (q.embedding !== undefined) {
        vector = q.embedding instanceof Float32Array ? q.embedding : Float32Array.from(q.embedding);
        if (vector.length !== embedder.dimensions) {
          throw new MemoryInputError(
            `invalid memory search: embedding has ${vector.length} dimensions, expected ${embedder.dimensions}`,
          );
        }
      } else {
        [vector] = (await embedder.embed([redactor.redact(q.text!)], signal)) as [Float32Array];
      }
      const now = clock().toISOString();
      const filter: SearchFilter = {
        types: asList(q.type),
        branch: q.branch,
        repo: q.repo,
        embeddingModel: embedder.model,
        now,
      };
      const find = q.exact ? exactCandidates : indexedCandidates;
      return touch(await find(db, vector, filter, q.limit, q.threshold), now);
    },

    async list(query = {}) {
      const q = parse(listQuerySchema, query, 'memory list');
      const now = clock().toISOString();
      const args: Array<string | number> = [now];
      let where = '(expires_at IS NULL OR expires_at > ?)';
      const types = asList(q.type);
      if (types) {
        where += ` AND type IN (${types.map(() => '?').join(', ')})`;
        args.push(...types);
      }
      if (q.branch === null) where += ' AND branch IS NULL';
      else if (q.branch !== undefined) {
        where += ' AND (branch = ? OR branch IS NULL)';
        args.push(q.branch);
      }
      if (q.repo === null) where += ' AND repo IS NULL';
      else if (q.repo !== undefined) {
        where += ' AND (repo = ? OR repo IS NULL)';
        args.push(q.repo);
      }
      const rs = await db.execute({
        sql: `SELECT ${MEMORY_COLUMNS} FROM memories WHERE ${where} ORDER BY created_at DESC, id LIMIT ?`,
        args: [...args, q.limit],
      });
      return rs.rows.map(toMemory);
    },

    async get(id) {
      const rs = await db.execute({
        sql: `SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)`,
        args: [id, clock().toISOString()],
      });
      return rs.rows[0] ? toMemory(rs.rows[0]) : undefined;
    },

    async deleteExpired() {
      const rs = await db.execute({
        sql: 'DELETE FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ?',
        args: [clock().toISOString()],
      });
      return rs.rowsAffected;
    },
  };
}
