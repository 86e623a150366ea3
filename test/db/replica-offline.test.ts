import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../config/config.js';
import { openStore } from '../../db/index.js';
import { createRedactor } from '../../secrets/redactor.js';
import { startSqld } from '../helpers/sqld.js';
import { tempDir } from '../helpers/test-env.js';

describe('an embedded replica with its primary down', () => {
  const dir = tempDir('replica-offline');
  let stopSqld: (() => void) | undefined;
  afterAll(() => stopSqld?.());

  it('opens at once and reads what it synced before', async () => {
    const sqld = await startSqld(dir);
    stopSqld = () => sqld.process.kill('SIGKILL');
    const config: DatabaseConfig = {
      mode: 'replica',
      path: path.join(dir, 'replica.db'),
      syncUrl: sqld.url,
      syncIntervalSeconds: 60,
    };
    const online = await openStore(config, { embeddingDimensions: 8, redactor: createRedactor() });
    await online.tasks.insert({
      id: 'offline1',
      title: 'Read me offline',
      description: 'd',
      priority: 'medium',
      skills: [],
      acceptanceCriteria: [],
      repo: '/tmp/r',
      baseBranch: 'main',
      branch: 'swarm/offline1',
      modelType: 'local',
      maxAttempts: 1,
      workflowId: 'task-offline1',
      budget: { maxTokens: null, maxCostUsd: null },
    });
    await online.db.sync();
    online.close();

    sqld.process.kill('SIGKILL');
    await new Promise((resolve) => sqld.process.once('exit', resolve));
    const db = (await import('../../db/client.js')).openDatabase(config);
    const offline = await Promise.race([
      db,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('open blocked on the primary')), 5_000)),
    ]);
    try {
      const rows = await offline.execute({ sql: 'SELECT title FROM tasks WHERE id = ?', args: ['offline1'] });
      expect(rows.rows.map((r) => r.title)).toEqual(['Read me offline']);
      await expect(offline.execute({ sql: 'DELETE FROM tasks', args: [] })).rejects.toThrow(
        `the primary database ${sqld.url} is unreachable`,
      );
    } finally {
      offline.close();
    }
  });
});

describe('a store on an embedded replica whose primary is down', () => {
  const dir = tempDir('replica-offline-store');
  let stopSqld: (() => void) | undefined;
  afterAll(() => stopSqld?.());

  it('opens without writing, reads, refuses writes, then goes live on the first sync after the primary is back', async () => {
    let sqld = await startSqld(dir);
    stopSqld = () => sqld.process.kill('SIGKILL');
    const port = Number(new URL(sqld.url).port);
    const config: DatabaseConfig = {
      mode: 'replica',
      path: path.join(dir, 'replica.db'),
      syncUrl: sqld.url,
      syncIntervalSeconds: 60,
    };
    const options = { embeddingDimensions: 8, redactor: createRedactor() };
    (await openStore(config, options)).close();
    sqld.process.kill('SIGKILL');
    await new Promise((resolve) => sqld.process.once('exit', resolve));

    // The schema is up to date, so opening the store reads it and writes nothing.
    const store = await openStore(config, options);
    try {
      expect(await store.tasks.list()).toEqual([]);
      await expect(store.agents.heartbeat('x')).rejects.toThrow(/is unreachable/);
      await expect(store.sync.syncNow()).rejects.toThrow(/cannot sync the replica/);
      expect((await store.sync.getStatus()).outage?.failedSyncs).toBe(1);

      sqld = await startSqld(dir, { port });
      const status = await store.sync.syncNow();
      expect(status).toMatchObject({ outage: null, errorsSinceLastSync: 0, lastOutage: { failedSyncs: 1 } });
      await store.agents.register({
        id: 'back',
        modelType: 'local',
        taskQueue: 'q',
        skills: [],
        host: 'h',
        pid: 1,
      });
      expect((await store.agents.list()).map((a) => a.id)).toContain('back');
    } finally {
      store.close();
    }
  });
});
