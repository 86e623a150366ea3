import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/client.js';
import { migrate } from '../../db/migrations.js';
import type { Embedder } from '../../memory/embedder.js';
import { EmbeddingDimensionMismatchError, MemoryInputError } from '../../memory/errors.js';
import { createMemoryStore, type MemoryStore } from '../../memory/memory-store.js';
import { createOfflineEmbedder } from '../../memory/offline-embedder.js';
import { startSqld } from '../helpers/sqld.js';
import { tempDir } from '../helpers/test-env.js';

const DIMS = 64;
const T0 = new Date('2026-01-01T00:00:00.000Z');

/** A unit vector at angle θ from e0 in the (e0, e1) plane: its cosine similarity to e0 is cos θ. */
function atSimilarity(similarity: number, plane = 1): Float32Array {
  const v = new Float32Array(DIMS);
  v[0] = similarity;
  v[plane] = Math.sqrt(1 - similarity * similarity);
  return v;
}

/** `crowd <i>` (i < 120): similarity 0.9 to e0, and a distinct pair of other axes for each i. */
function crowdVector(text: string): Float32Array | undefined {
  const match = /^crowd (\d+)$/.exec(text);
  if (!match) return undefined;
  const i = Number(match[1]);
  const v = new Float32Array(DIMS);
  v[0] = 0.9;
  v[4 + Math.floor(i / 10)] = Math.sqrt(0.19 / 2);
  v[20 + (i % 10)] = Math.sqrt(0.19 / 2);
  return v;
}

/**
 * The offline embedder, except for texts the test pins to exact vectors, so that similarities are
 * known to the decimal. It also counts its calls.
 */
function pinnedEmbedder(pins: Record<string, Float32Array>) {
  const offline = createOfflineEmbedder({ dimensions: DIMS });
  const embedder = {
    model: offline.model,
    dimensions: DIMS,
    calls: 0,
    async embed(texts: string[]) {
      embedder.calls++;
      return Promise.all(texts.map(async (t) => pins[t] ?? crowdVector(t) ?? (await offline.embed([t]))[0]!));
    },
  };
  return embedder satisfies Embedder;
}

const pins: Record<string, Float32Array> = {
  'query: the farewell test': atSimilarity(1),
  'identical to the query': atSimilarity(1),
  'close to the query (0.97)': atSimilarity(0.97),
  'near the query (0.8)': atSimilarity(0.8),
  'somewhat near the query (0.9)': atSimilarity(0.9, 2),
  'far from the query (0.3)': atSimilarity(0.3, 3),
};

interface Mode {
  name: 'local' | 'remote';
  open(): Promise<{ db: Db; stop(): Promise<void> }>;
}

const modes: Mode[] = [
  {
    name: 'local',
    async open() {
      const dir = tempDir('memory-local');
      const db = await openDatabase({ mode: 'local', path: path.join(dir, 'data.db') });
      return { db, stop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'remote',
    // A private sqld: the shared one belongs to the data-layer suite, which empties it.
    async open() {
      const dir = tempDir('memory-sqld');
      const sqld = await startSqld(dir);
      const db = await openDatabase({ mode: 'remote', url: sqld.url });
      return {
        db,
        stop: async () => {
          await stopProcess(sqld.process);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe.each(modes)('memory store in $name mode', (mode) => {
  let db: Db;
  let stop: () => Promise<void>;
  let clock: Date;
  let embedder: ReturnType<typeof pinnedEmbedder>;
  let memories: MemoryStore;

  beforeAll(async () => {
    ({ db, stop } = await mode.open());
    await migrate(db, { embeddingDimensions: DIMS });
  });
  afterAll(async () => {
    db?.close();
    await stop?.();
  });
  beforeEach(async () => {
    // With a WHERE clause: SQLite's truncate shortcut for a bare DELETE skips the vector index,
    // whose stale shadow rows then make every later insert fail (libSQL 0.18 behaviour).
    await db.execute('DELETE FROM memories WHERE id IS NOT NULL');
    clock = T0;
    embedder = pinnedEmbedder(pins);
    memories = await createMemoryStore({ db, embedder, now: () => clock });
  });

  const rowCount = async () => Number((await db.execute('SELECT COUNT(*) AS n FROM memories')).rows[0]!.n);

  it('stores a memory and reads every field back', async () => {
    const { id, merged } = await memories.store({
      content: 'The farewell test expects "Goodbye" with a capital G',
      type: 'error_pattern',
      importance: 0.7,
      tags: ['javascript', 'tests', 'tests'],
      branch: 'main',
      provenance: {
        taskId: 'abc123',
        attempt: 2,
        commit: 'deadbeef',
        filesTouched: ['src/farewell.js'],
        failureSignature: 'failed: test',
      },
    });
    expect(merged).toBe(false);
    expect(await memories.get(id)).toEqual({
      id,
      content: 'The farewell test expects "Goodbye" with a capital G',
      type: 'error_pattern',
      importance: 0.7,
      tags: ['javascript', 'tests'],
      provenance: [
        {
          taskId: 'abc123',
          attempt: 2,
          commit: 'deadbeef',
          filesTouched: ['src/farewell.js'],
          failureSignature: 'failed: test',
        },
      ],
      branch: 'main',
      repo: null,
      embeddingModel: 'offline-hash-v1',
      createdAt: T0.toISOString(),
      lastAccessedAt: T0.toISOString(),
      expiresAt: null,
    });
    expect(await memories.get('no-such-id')).toBeUndefined();
    const blob = await db.execute({ sql: 'SELECT length(embedding) AS bytes FROM memories WHERE id = ?', args: [id] });
    expect(Number(blob.rows[0]!.bytes)).toBe(DIMS * 4);
  });

  it('searches by similarity: threshold is a minimum, hits come most similar first, limit cuts', async () => {
    for (const content of ['near the query (0.8)', 'far from the query (0.3)', 'identical to the query']) {
      await memories.store({ content, type: 'learning' });
    }
    for (const exact of [false, true]) {
      const hits = await memories.vectorSearch({ text: 'query: the farewell test', threshold: 0.5, limit: 10, exact });
      expect(hits.map((h) => h.memory.content)).toEqual(['identical to the query', 'near the query (0.8)']);
      expect(hits[0]!.similarity).toBeCloseTo(1, 5);
      expect(hits[1]!.similarity).toBeCloseTo(0.8, 5);

      const all = await memories.vectorSearch({ text: 'query: the farewell test', threshold: 0, exact });
      expect(all.map((h) => h.similarity.toFixed(2))).toEqual(['1.00', '0.80', '0.30']);

      const top = await memories.vectorSearch({ embedding: atSimilarity(1), limit: 1, exact });
      expect(top.map((h) => h.memory.content)).toEqual(['identical to the query']);
    }
  });

  it('filters by type, one or several', async () => {
    await memories.store({ content: 'identical to the query', type: 'learning' });
    await memories.store({ content: 'near the query (0.8)', type: 'error_pattern' });
    await memories.store({ content: 'far from the query (0.3)', type: 'solution_pattern' });
    const search = (type: Parameters<MemoryStore['vectorSearch']>[0]['type']) =>
      memories.vectorSearch({ text: 'query: the farewell test', type }).then((hits) => hits.map((h) => h.memory.type));
    expect(await search('error_pattern')).toEqual(['error_pattern']);
    expect(await search(['solution_pattern', 'learning'])).toEqual(['learning', 'solution_pattern']);
    expect(await search(undefined)).toEqual(['learning', 'error_pattern', 'solution_pattern']);
  });

  it('filters by branch: a branch sees its own and global memories, null sees only global ones', async () => {
    await memories.store({ content: 'identical to the query', type: 'learning', branch: 'main' });
    await memories.store({ content: 'near the query (0.8)', type: 'learning', branch: null });
    await memories.store({ content: 'far from the query (0.3)', type: 'learning', branch: 'feature/x' });
    const branchesFor = async (branch?: string | null) =>
      (
        await memories.vectorSearch({ text: 'query: the farewell test', ...(branch === undefined ? {} : { branch }) })
      ).map((h) => h.memory.branch);
    expect(await branchesFor('main')).toEqual(['main', null]);
    expect(await branchesFor('feature/x')).toEqual([null, 'feature/x']);
    expect(await branchesFor(null)).toEqual([null]);
    expect(await branchesFor(undefined)).toEqual(['main', null, 'feature/x']);
    expect((await memories.list({ branch: 'feature/x' })).map((m) => m.branch).sort()).toEqual(
      ['feature/x', null].sort(),
    );
  });

  it("scopes by repository: two repositories' main share no memories, and a lesson does not merge across them", async () => {
    const a = await memories.store({
      content: 'identical to the query',
      type: 'learning',
      branch: 'main',
      repo: '/r/a',
    });
    const b = await memories.store({
      content: 'identical to the query',
      type: 'learning',
      branch: 'main',
      repo: '/r/b',
    });
    expect(b.merged).toBe(false);
    expect(b.id).not.toBe(a.id);
    await memories.store({ content: 'near the query (0.8)', type: 'learning', branch: 'main', repo: null });
    const reposFor = async (repo: string) =>
      (await memories.vectorSearch({ text: 'query: the farewell test', branch: 'main', repo })).map(
        (h) => h.memory.repo,
      );
    expect(await reposFor('/r/a')).toEqual(['/r/a', null]);
    expect(await reposFor('/r/b')).toEqual(['/r/b', null]);
    expect((await memories.list({ branch: 'main', repo: '/r/a' })).map((m) => m.repo).sort()).toEqual(
      ['/r/a', null].sort(),
    );
  });

  it('finds a rare type behind many nearer memories of other types (index over-fetch)', async () => {
    // 120 learnings at similarity 0.9 to the query (0.905 at most to each other, so none merge),
    // then one error pattern at 0.5: beyond the index's first fetch of 40 neighbours.
    for (let i = 0; i < 120; i++) await memories.store({ content: `crowd ${i}`, type: 'learning' });
    await memories.store({ content: 'far from the query (0.3)', type: 'error_pattern' });
    expect(await rowCount()).toBe(121);
    const hits = await memories.vectorSearch({ text: 'query: the farewell test', type: 'error_pattern', limit: 3 });
    expect(hits.map((h) => h.memory.content)).toEqual(['far from the query (0.3)']);
    expect(hits[0]!.similarity).toBeCloseTo(0.3, 5);
  });

  it('merges a near-duplicate of the same type and branch into the existing memory', async () => {
    const first = await memories.store({
      content: 'identical to the query',
      type: 'error_pattern',
      branch: 'main',
      importance: 0.4,
      tags: ['a'],
      provenance: { taskId: 'task1' },
      ttlSeconds: 60,
    });
    clock = new Date(T0.getTime() + 1_000);
    const second = await memories.store({
      content: 'close to the query (0.97)',
      type: 'error_pattern',
      branch: 'main',
      importance: 0.9,
      tags: ['b', 'a'],
      provenance: { taskId: 'task2', attempt: 3 },
      ttlSeconds: 3_600,
    });
    expect(second).toEqual({ id: first.id, merged: true });
    expect(await rowCount()).toBe(1);
    expect(await memories.get(first.id)).toMatchObject({
      content: 'identical to the query',
      importance: 0.9,
      tags: ['a', 'b'],
      provenance: [{ taskId: 'task1' }, { taskId: 'task2', attempt: 3 }],
      createdAt: T0.toISOString(),
      lastAccessedAt: clock.toISOString(),
      expiresAt: new Date(clock.getTime() + 3_600_000).toISOString(),
    });

    // Below the threshold (0.9 < 0.95), another type, or another branch: stored separately.
    expect(
      (await memories.store({ content: 'somewhat near the query (0.9)', type: 'error_pattern', branch: 'main' }))
        .merged,
    ).toBe(false);
    expect((await memories.store({ content: 'identical to the query', type: 'learning', branch: 'main' })).merged).toBe(
      false,
    );
    expect(
      (await memories.store({ content: 'identical to the query', type: 'error_pattern', branch: null })).merged,
    ).toBe(false);
    expect(await rowCount()).toBe(4);
  });

  it('merges concurrent stores of the same memory into one row', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        memories.store({ content: 'Run npm ci before the build', type: 'codebase_knowledge', tags: [`t${i}`] }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.merged)).toHaveLength(1);
    expect(await rowCount()).toBe(1);
    expect((await memories.get(results[0]!.id))!.tags).toEqual(['t0', 't1', 't2', 't3']);
  });

  it('storeMany embeds all inputs in one request and merges duplicates within the call', async () => {
    const results = await memories.storeMany([
      { content: 'identical to the query', type: 'learning' },
      { content: 'far from the query (0.3)', type: 'learning' },
      { content: 'close to the query (0.97)', type: 'learning' },
    ]);
    expect(embedder.calls).toBe(1);
    expect(results.map((r) => r.merged)).toEqual([false, false, true]);
    expect(results[2]!.id).toBe(results[0]!.id);
  });

  it('never returns expired memories, and deleteExpired removes them', async () => {
    const shortLived = await memories.store({
      content: 'identical to the query',
      type: 'task_context',
      ttlSeconds: 60,
    });
    const lasting = await memories.store({ content: 'near the query (0.8)', type: 'task_context' });
    expect((await memories.vectorSearch({ text: 'query: the farewell test' })).map((h) => h.memory.id)).toEqual([
      shortLived.id,
      lasting.id,
    ]);

    clock = new Date(T0.getTime() + 60_000);
    for (const exact of [false, true]) {
      expect(
        (await memories.vectorSearch({ text: 'query: the farewell test', exact })).map((h) => h.memory.id),
      ).toEqual([lasting.id]);
    }
    expect(await memories.get(shortLived.id)).toBeUndefined();
    expect((await memories.list()).map((m) => m.id)).toEqual([lasting.id]);
    // An expired memory is not a duplicate to merge into either.
    expect((await memories.store({ content: 'identical to the query', type: 'task_context' })).merged).toBe(false);

    expect(await memories.deleteExpired()).toBe(1);
    expect(await memories.deleteExpired()).toBe(0);
    expect(await rowCount()).toBe(2);
  });

  it('marks search hits as accessed', async () => {
    const { id } = await memories.store({ content: 'identical to the query', type: 'learning' });
    clock = new Date(T0.getTime() + 5_000);
    const [hit] = await memories.vectorSearch({ text: 'query: the farewell test' });
    expect(hit!.memory.lastAccessedAt).toBe(clock.toISOString());
    expect((await memories.get(id))!.lastAccessedAt).toBe(clock.toISOString());
  });

  it('lists live memories newest first, by type, with a limit', async () => {
    for (const [i, type] of (['learning', 'error_pattern', 'learning'] as const).entries()) {
      clock = new Date(T0.getTime() + i * 1000);
      await memories.store({ content: `memory number ${i} about ${type}`, type });
    }
    expect((await memories.list()).map((m) => m.content)).toEqual([
      'memory number 2 about learning',
      'memory number 1 about error_pattern',
      'memory number 0 about learning',
    ]);
    expect((await memories.list({ type: 'learning', limit: 1 })).map((m) => m.content)).toEqual([
      'memory number 2 about learning',
    ]);
  });

  it('refuses an embedder whose dimension differs from the table, naming both sizes and the fix', async () => {
    const err = await createMemoryStore({ db, embedder: createOfflineEmbedder({ dimensions: 32 }) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EmbeddingDimensionMismatchError);
    expect((err as Error).message).toContain('makes 32-dimensional vectors');
    expect((err as Error).message).toContain(`F32_BLOB(${DIMS})`);
    expect((err as Error).message).toContain(`SWARM_EMBEDDING_DIMENSIONS=${DIMS}`);
    expect((err as Error).message).toContain('new database');
  });

  it('refuses bad input with messages naming the field, and writes nothing', async () => {
    const refusal = async (promise: Promise<unknown>) => {
      const err = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MemoryInputError);
      return (err as Error).message;
    };
    expect(await refusal(memories.store({ content: '   ', type: 'learning' }))).toContain(
      'content: content must not be empty',
    );
    expect(await refusal(memories.store({ content: 'x', type: 'gossip' as never }))).toMatch(/^invalid memory: type: /);
    expect(await refusal(memories.store({ content: 'x', type: 'learning', importance: 1.5 }))).toContain(
      'importance: importance is between 0 and 1',
    );
    expect(await refusal(memories.store({ content: 'x', type: 'learning', colour: 'red' } as never))).toContain(
      'colour',
    );
    expect(await refusal(memories.store({ content: 'x', type: 'learning', provenance: { attempt: 0 } }))).toContain(
      'provenance.attempt',
    );
    expect(await refusal(memories.store({ content: 'x'.repeat(8_001), type: 'learning' }))).toContain(
      'content is limited to 8000 characters',
    );
    expect(
      await refusal(
        memories.storeMany([
          { content: 'fine', type: 'learning' },
          { content: '', type: 'learning' },
        ]),
      ),
    ).toContain('invalid memory 1: content');
    expect(await refusal(memories.vectorSearch({ text: 'a', embedding: atSimilarity(1) }))).toContain(
      'either text or embedding',
    );
    expect(await refusal(memories.vectorSearch({ embedding: new Float32Array(3) }))).toContain(
      'embedding has 3 dimensions, expected 64',
    );
    expect(await refusal(memories.vectorSearch({ text: 'a', limit: 0 }))).toContain('limit');
    expect(await refusal(createMemoryStore({ db, embedder, dedupThreshold: 2 }))).toContain('dedupThreshold');
    expect(embedder.calls).toBe(0);
    expect(await rowCount()).toBe(0);
  });
});
