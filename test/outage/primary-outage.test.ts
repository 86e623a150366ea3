import path from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedReplicaStatus } from '../../db/replica-sync.js';
import type { SyncStatus } from '../../db/index.js';
import { createFixtureRepo, MUL_WRONG_THEN_RIGHT, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { startSqld, type SqldServer } from '../helpers/sqld.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';
import { runCliCaptured } from '../helpers/captured-cli.js';

const OUTAGE_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stopped(server: SqldServer): Promise<void> {
  return new Promise((resolve) => {
    if (server.process.exitCode !== null) return resolve();
    server.process.once('exit', () => resolve());
    server.process.kill('SIGTERM');
  });
}

/** `swarm <args>` in this process, with the stack's environment. */
async function swarm(stack: TestStack, args: string[]) {
  return runCliCaptured(args, stack.env, stack.home);
}

describe('the primary (sqld) stopped for 30 s in the middle of a task, in replica mode', () => {
  const dir = tempDir('outage');
  let sqld: SqldServer;
  let port: number;
  let stack: TestStack;
  beforeAll(async () => {
    sqld = await startSqld(dir);
    port = Number(new URL(sqld.url).port);
    stack = await createTestStack({
      env: { SWARM_DB_MODE: 'replica', TURSO_DATABASE_URL: sqld.url, TURSO_SYNC_INTERVAL: '1' },
    });
  });
  afterAll(async () => {
    await stack?.teardown();
    if (sqld) await stopped(sqld);
  });

  it('keeps reads working, loses and duplicates no write, and shows the outage and the catch-up', async () => {
    const config = stack.config.database;
    if (config.mode !== 'replica') throw new Error('expected replica mode');
    const repo = await createFixtureRepo(path.join(tempDir('outage-repo'), 'repo'), nodeProjectFiles());
    const worker = await stack.createWorker('local', { unconfined: true });
    const measured: Record<string, unknown> = {};

    const result = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Add a multiply function',
        description: ['Add mul(a, b) to src/mul.js with a node:test test.', MUL_WRONG_THEN_RIGHT].join('\n'),
        repo,
        skills: ['javascript'],
      });
      // Mid-task: its first attempt has started.
      while ((await stack.store.attempts.listForTask(task.id)).length === 0) await sleep(50);
      await stopped(sqld);
      const stoppedAt = Date.now();

      // A write as a worker makes it: how it fails, and how fast.
      const writeStarted = Date.now();
      const write = await stack.store.agents.heartbeat('probe').then(
        () => 'succeeded',
        (err: Error) => err.message.slice(0, 120),
      );
      measured.writeWhilePrimaryDown = { error: write, ms: Date.now() - writeStarted };

      let reads = 0;
      let statusInOutage: SyncStatus | undefined;
      while (Date.now() - stoppedAt < OUTAGE_MS) {
        expect((await stack.store.tasks.get(task.id))?.id).toBe(task.id);
        reads++;
        const syncStarted = Date.now();
        await expect(stack.store.sync.syncNow()).rejects.toThrow(/cannot sync the replica/);
        measured.failedSyncMs = Date.now() - syncStarted;
        statusInOutage = recordedReplicaStatus(config);
        await sleep(2_000);
      }
      measured.readsDuringOutage = reads;
      expect(statusInOutage!.outage).not.toBeNull();
      expect(statusInOutage!.errorsSinceLastSync).toBeGreaterThan(0);
      expect(statusInOutage!.lastError?.message).toMatch(/unreachable/);
      // The CLI reads with the primary down: the task list from the replica, the sync status from its record.
      const listed = await swarm(stack, ['task', 'list', '--json']);
      expect(listed, listed.stderr).toMatchObject({ code: 0 });
      expect(JSON.parse(listed.stdout).map((t: { id: string }) => t.id)).toContain(task.id);
      const shown = await swarm(stack, ['sync', 'status']);
      expect(shown.stdout).toMatch(/outage: +since/);

      sqld = await startSqld(dir, { port });
      const restartedAt = Date.now();
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
      measured.restartToFinishedMs = Date.now() - restartedAt;
      measured.outageMs = restartedAt - stoppedAt;
      return { task, restartedAt };
    });

    // Caught up: a sync after the restart, the outage closed.
    const status = await stack.store.sync.syncNow();
    expect(status.outage).toBeNull();
    expect(status.errorsSinceLastSync).toBe(0);
    expect(status.lastOutage).not.toBeNull();
    expect(Date.parse(status.lastOutage!.to)).toBeGreaterThanOrEqual(result.restartedAt - 1_000);
    expect(Date.parse(status.lastSyncAt!)).toBeGreaterThanOrEqual(result.restartedAt);
    const shown = await swarm(stack, ['sync', 'status']);
    expect(shown.stdout).toMatch(/last outage: .* caught up/);

    // On the primary itself: every write of the task there once.
    const primary = createClient({ url: sqld.url });
    const one = async (sql: string) => Number((await primary.execute({ sql, args: [result.task.id] })).rows[0]!.n);
    try {
      expect(await one("SELECT count(*) AS n FROM tasks WHERE id = ? AND status = 'succeeded'")).toBe(1);
      expect(await one('SELECT count(*) AS n FROM attempts WHERE task_id = ? AND finished_at IS NOT NULL')).toBe(2);
      expect(await one('SELECT count(*) AS n FROM results WHERE task_id = ?')).toBe(1);
      expect(await one("SELECT count(*) AS n FROM memories WHERE provenance LIKE '%' || ? || '%'")).toBe(2);
      expect(await one('SELECT count(*) AS n FROM check_runs WHERE task_id = ? AND attempt = 2 AND passed = 1')).toBe(
        await one('SELECT count(*) AS n FROM check_runs WHERE task_id = ? AND attempt = 2'),
      );
    } finally {
      primary.close();
    }
    console.log(`outage measurements: ${JSON.stringify(measured)}`);
  });
});
