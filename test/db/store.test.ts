import path from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseConfig } from '../../config/config.js';
import { openDatabase } from '../../db/client.js';
import { createStore, type Store } from '../../db/index.js';
import { migrate, migrations } from '../../db/migrations.js';
import type { NewTask } from '../../db/tasks-repository.js';
import { createMemoryStore } from '../../memory/memory-store.js';
import { createOfflineEmbedder } from '../../memory/offline-embedder.js';
import { tempDir } from '../helpers/test-env.js';

const DIMS = 8;

/** The shared test sqld belongs to this suite: each remote-mode run starts from an empty database. */
async function emptySqld(url: string): Promise<void> {
  const db = createClient({ url });
  const tables = await db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'libsql_%'",
  );
  const drops = tables.rows.map((row) => `DROP TABLE IF EXISTS "${String(row.name)}";`).join('\n');
  await db.executeMultiple(`PRAGMA foreign_keys = OFF;\n${drops}\nPRAGMA foreign_keys = ON;`);
  db.close();
}

const modes: Array<[DatabaseConfig['mode'], () => DatabaseConfig]> = [
  ['local', () => ({ mode: 'local', path: path.join(tempDir('db-local'), 'data.db') })],
  ['remote', () => ({ mode: 'remote', url: inject('sqldUrl') })],
  [
    'replica',
    () => ({
      mode: 'replica',
      path: path.join(tempDir('db-replica'), 'replica.db'),
      syncUrl: inject('sqldUrl'),
      syncIntervalSeconds: 60,
    }),
  ],
];

const newTask = (id: string, overrides: Partial<NewTask> = {}): NewTask => ({
  id,
  title: `Task ${id}`,
  description: 'do it',
  priority: 'medium',
  skills: ['typescript'],
  acceptanceCriteria: [],
  repo: '/tmp/repo',
  baseBranch: 'main',
  branch: `swarm/${id}`,
  modelType: 'local',
  maxAttempts: 3,
  workflowId: `task-${id}`,
  budget: { maxTokens: null, maxCostUsd: null },
  ...overrides,
});

describe.each(modes)('data layer in %s mode', (mode, makeConfig) => {
  let config: DatabaseConfig;
  let store: Store;

  beforeAll(async () => {
    if (mode !== 'local') await emptySqld(inject('sqldUrl'));
    config = makeConfig();
    store = createStore(await openDatabase(config));
  });
  afterAll(() => store?.close());

  it('applies every migration exactly once when many workers start at the same moment', async () => {
    // Each worker has its own replica file (README): embedded replicas sharing one file while the schema
    // grows fail to apply the primary's frames ("malformed database schema … orphan index", libsql 0.5).
    const clients = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        openDatabase(config.mode === 'replica' ? { ...config, path: `${config.path}.worker${i}` } : config),
      ),
    );
    try {
      const applied = await Promise.all(clients.map((db) => migrate(db, { embeddingDimensions: DIMS })));
      expect(applied.flat().sort()).toEqual(migrations.map((m) => m.version));
      await migrate(store.db, { embeddingDimensions: DIMS });
      const rows = await store.db.execute('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.rows.map((r) => Number(r.version))).toEqual(migrations.map((m) => m.version));
    } finally {
      for (const db of clients) db.close();
    }
  });

  it('stores tasks once, lists them, and keeps terminal states sticky', async () => {
    expect(await store.tasks.insert(newTask('t1aaaaaa', { priority: 'high' }))).toBe(true);
    expect(await store.tasks.insert(newTask('t1aaaaaa', { title: 'other' }))).toBe(false);
    expect(await store.tasks.insert(newTask('t1bbbbbb'))).toBe(true);
    const task = await store.tasks.get('t1aaaaaa');
    expect(task).toMatchObject({
      title: 'Task t1aaaaaa',
      priority: 'high',
      skills: ['typescript'],
      status: 'queued',
      currentAttempt: 0,
    });

    await store.tasks.setStatus('t1aaaaaa', 'running_agent', { attempt: 2 });
    expect(await store.tasks.get('t1aaaaaa')).toMatchObject({ status: 'running_agent', currentAttempt: 2 });
    await store.tasks.setStatus('t1aaaaaa', 'failed', { failureReason: 'checks failed' });
    // A late retry of an earlier step must not move a finished task back.
    await store.tasks.setStatus('t1aaaaaa', 'checking', { attempt: 3 });
    expect(await store.tasks.get('t1aaaaaa')).toMatchObject({
      status: 'failed',
      currentAttempt: 2,
      failureReason: 'checks failed',
    });

    expect((await store.tasks.list({ status: 'failed' })).map((t) => t.id)).toEqual(['t1aaaaaa']);
    expect((await store.tasks.list()).map((t) => t.id).sort()).toEqual(['t1aaaaaa', 't1bbbbbb']);
    expect(await store.tasks.countByStatus()).toEqual({ failed: 1, queued: 1 });
  });

  it('keys attempts, check runs and artifacts so that retried writes never duplicate', async () => {
    await store.tasks.insert(newTask('t2aaaaaa'));
    for (let i = 0; i < 2; i++) {
      await store.attempts.start({
        taskId: 't2aaaaaa',
        attempt: 1,
        modelType: 'local',
        agentId: `agent-${i}`,
        feedbackArtifactId: null,
      });
      await store.checkRuns.record({
        taskId: 't2aaaaaa',
        attempt: 1,
        round: 1,
        name: 'test',
        command: 'npm test',
        exitCode: i,
        passed: i === 0,
        timedOut: false,
        durationMs: 10 + i,
        output: `run ${i}`,
        outputTruncated: false,
        result: { exitCode: i },
      });
      await store.artifacts.put({
        id: 't2aaaaaa/1/prompt',
        taskId: 't2aaaaaa',
        kind: 'prompt',
        content: `prompt ${i}`,
      });
    }
    await store.attempts.recordAgentOutcome({
      taskId: 't2aaaaaa',
      attempt: 1,
      status: 'checking',
      promptArtifactId: 't2aaaaaa/1/prompt',
      transcriptArtifactId: 'x',
      summary: 'did it',
      filesChanged: ['a.ts'],
      commitSha: 'abc',
      inputTokens: 5,
      outputTokens: 7,
    });
    await store.attempts.finishChecks('t2aaaaaa', 1, false);

    const attempts = await store.attempts.listForTask('t2aaaaaa');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      agentId: 'agent-1',
      status: 'checks_failed',
      filesChanged: ['a.ts'],
      inputTokens: 5,
      outputTokens: 7,
    });
    const runs = await store.checkRuns.list('t2aaaaaa');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ exitCode: 1, passed: false, output: 'run 1', result: { exitCode: 1 } });
    expect(await store.artifacts.get('t2aaaaaa/1/prompt')).toBe('prompt 1');
    const count = await store.db.execute("SELECT COUNT(*) AS n FROM artifacts WHERE task_id = 't2aaaaaa'");
    expect(Number(count.rows[0]!.n)).toBe(1);
  });

  it('records a result exactly once, with the final status and the agent counters', async () => {
    await store.tasks.insert(newTask('t3aaaaaa'));
    await store.agents.register({
      id: 'agent-r',
      modelType: 'local',
      taskQueue: 'jetpack.local',
      skills: ['x'],
      host: 'h',
      pid: 1,
    });
    const result = {
      taskId: 't3aaaaaa',
      status: 'succeeded' as const,
      attempts: 2,
      branch: 'swarm/t3aaaaaa',
      mergeCommit: 'def',
      summary: 'landed',
      failureReason: null,
      agentId: 'agent-r',
    };
    expect(await store.results.recordOnce(result)).toBe(true);
    expect(await store.results.recordOnce({ ...result, summary: 'again' })).toBe(false);
    expect(await store.results.count('t3aaaaaa')).toBe(1);
    expect(await store.results.get('t3aaaaaa')).toMatchObject({ summary: 'landed', mergeCommit: 'def' });
    expect((await store.tasks.get('t3aaaaaa'))?.status).toBe('succeeded');
    expect(await store.agents.get('agent-r')).toMatchObject({ completed: 1, failed: 0 });
  });

  it('keeps the worker registry, marking stopped workers offline without deleting them', async () => {
    await store.agents.register({
      id: 'agent-a',
      modelType: 'local',
      taskQueue: 'jetpack.local',
      skills: ['ts'],
      host: 'h1',
      pid: 10,
    });
    await store.agents.register({
      id: 'agent-b',
      modelType: 'claude',
      taskQueue: 'jetpack.claude',
      skills: ['go'],
      host: 'h2',
      pid: 11,
    });
    await store.agents.setCurrentTask('agent-a', 't1aaaaaa');
    expect((await store.agents.get('agent-a'))?.currentTaskId).toBe('t1aaaaaa');
    await store.agents.markOffline('agent-b');
    const online = (await store.agents.list()).map((a) => a.id);
    expect(online).toContain('agent-a');
    expect(online).not.toContain('agent-b');
    expect(await store.agents.get('agent-b')).toMatchObject({ status: 'offline', skills: ['go'], pid: 11 });
    expect((await store.agents.get('agent-b'))?.stoppedAt).not.toBeNull();

    // A worker that died without saying goodbye stops heartbeating: after 30 s it is lost, not online.
    await store.db.execute({
      sql: 'UPDATE agents SET last_seen_at = ? WHERE id = ?',
      args: [new Date(Date.now() - 60_000).toISOString(), 'agent-a'],
    });
    expect((await store.agents.get('agent-a'))?.status).toBe('lost');
    expect((await store.agents.list()).map((a) => a.id)).not.toContain('agent-a');
    expect((await store.agents.list({ includeOffline: true })).map((a) => a.id)).toContain('agent-a');
  });

  it('upserts branch state', async () => {
    const branch = {
      repo: '/r',
      name: 'swarm/x',
      taskId: 'x',
      baseBranch: 'main',
      baseSha: 'a',
      headSha: 'b',
      status: 'active' as const,
      worktreePath: '/w',
    };
    await store.branches.upsert(branch);
    await store.branches.upsert({ ...branch, status: 'merged', mergeCommit: 'm' });
    await store.branches.upsert({ ...branch, status: 'merged', headSha: 'c' });
    expect(await store.branches.get('/r', 'swarm/x')).toMatchObject({
      status: 'merged',
      mergeCommit: 'm',
      headSha: 'c',
    });
  });

  it('has native vectors: F32_BLOB embeddings ranked by vector_distance_cos', async () => {
    const vec = (values: number[]) => JSON.stringify(values);
    const insert = (id: string, values: number[]) =>
      store.db.execute({
        sql: "INSERT INTO memories (id, content, type, embedding, created_at) VALUES (?, ?, 'learning', vector32(?), datetime('now'))",
        args: [id, `memory ${id}`, vec(values)],
      });
    await insert('m-near', [1, 0, 0, 0, 0, 0, 0, 0]);
    await insert('m-mid', [1, 1, 0, 0, 0, 0, 0, 0]);
    await insert('m-far', [0, 0, 0, 0, 0, 0, 0, 1]);
    const rs = await store.db.execute({
      sql: 'SELECT id, vector_distance_cos(embedding, vector32(?)) AS d FROM memories ORDER BY d LIMIT 3',
      args: [vec([0.9, 0.1, 0, 0, 0, 0, 0, 0])],
    });
    expect(rs.rows.map((r) => r.id)).toEqual(['m-near', 'm-mid', 'm-far']);
  });

  it('stores, merges and finds memories (the batched upsert with named parameters)', async () => {
    const memory = await createMemoryStore({ db: store.db, embedder: createOfflineEmbedder({ dimensions: DIMS }) });
    const first = await memory.store({
      content: 'flaky date tests need a fixed clock',
      type: 'learning',
      tags: ['dates'],
    });
    expect(first.merged).toBe(false);
    const again = await memory.store({
      content: 'flaky date tests need a fixed clock',
      type: 'learning',
      tags: ['clock'],
    });
    expect(again).toEqual({ id: first.id, merged: true });
    const hits = await memory.vectorSearch({ text: 'flaky date tests', limit: 10, threshold: -1 });
    expect(hits.map((h) => h.memory.id)).toContain(first.id);
    expect(hits.find((h) => h.memory.id === first.id)?.memory.tags.sort()).toEqual(['clock', 'dates']);
  });
});
