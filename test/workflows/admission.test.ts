import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionStateQuery, admissionWorkflow } from '../../workflows/admission-workflow.js';
import { createFixtureRepo, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

describe('admission: a model type with one task in flight', () => {
  let stack: TestStack;
  let configFile: string;
  beforeAll(async () => {
    configFile = path.join(tempDir('admission-config'), 'swarm.config.json');
    writeFileSync(configFile, JSON.stringify({ models: { local: { adapter: 'local', maxTasksInFlight: 1 } } }));
    stack = await createTestStack({ configFile });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('runs its tasks one at a time, the critical one before the low one queued earlier', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('admission'), 'repo'), nodeProjectFiles());
    const make = (key: string, priority: 'low' | 'critical') =>
      stack.client.createTask({
        title: key,
        description: writeBlock(`src/${key}.js`, `export const ${key} = 1;`),
        repo,
        priority,
      });
    const first = await make('first', 'low');
    const worker = await stack.createWorker();
    const order = await worker.runUntil(async () => {
      // The first task holds the slot; the others queue behind it, the critical one ahead.
      const admission = stack.testEnv.client.workflow.getHandle(
        `admission-${stack.config.temporal.taskQueuePrefix}.local`,
      );
      await expect
        .poll(() => admission.query(admissionStateQuery).then((s) => s.holders), { timeout: 20_000 })
        .toEqual([first.workflowId]);
      const low = await make('later', 'low');
      const critical = await make('urgent', 'critical');
      await expect
        .poll(() => admission.query(admissionStateQuery).then((s) => s.queued.length), { timeout: 20_000 })
        .toBe(2);
      for (const t of [first, low, critical]) await stack.client.waitForResult(t.id);
      return [first, critical, low];
    });
    const spans = await Promise.all(
      order.map(async (t) => {
        const [attempt] = await stack.store.attempts.listForTask(t.id);
        const result = await stack.store.results.get(t.id);
        expect(result?.status).toBe('succeeded');
        return { start: Date.parse(attempt!.startedAt), end: Date.parse(result!.finishedAt) };
      }),
    );
    // In that order, and never two at once.
    expect(spans[0]!.end).toBeLessThanOrEqual(spans[1]!.start);
    expect(spans[1]!.end).toBeLessThanOrEqual(spans[2]!.start);
  });

  it('gives the slot of a holder that was terminated without releasing it to the next task', async () => {
    // A stack of its own: its admission workflow is started here, checking holders every second (default: 2 minutes).
    const own = await createTestStack({ configFile });
    try {
      const repo = await createFixtureRepo(path.join(tempDir('admission-dead'), 'repo'), nodeProjectFiles());
      const taskQueue = `${own.config.temporal.taskQueuePrefix}.local`;
      const admission = own.testEnv.client.workflow.getHandle(`admission-${taskQueue}`);
      await own.testEnv.client.workflow.start(admissionWorkflow, {
        workflowId: `admission-${taskQueue}`,
        taskQueue,
        args: [{ modelType: 'local', slots: 1, holderCheckSeconds: 1 }],
      });
      const worker = await own.createWorker();
      await worker.runUntil(async () => {
        // Over its one-token budget after its first model call, it holds the slot until approved.
        const stuck = await own.client.createTask({
          title: 'stuck',
          description: writeBlock('src/stuck.js', 'export const stuck = 1;'),
          repo,
          budget: { maxTokens: 1 },
        });
        await expect
          .poll(() => own.store.tasks.get(stuck.id).then((t) => t?.status), { timeout: 30_000 })
          .toBe('awaiting_approval');
        expect((await admission.query(admissionStateQuery)).holders).toEqual([stuck.workflowId]);
        const next = await own.client.createTask({
          title: 'next',
          description: writeBlock('src/next.js', 'export const next = 1;'),
          repo,
        });
        await expect.poll(() => admission.query(admissionStateQuery).then((s) => s.queued)).toEqual([next.workflowId]);
        await own.testEnv.client.workflow.getHandle(stuck.workflowId).terminate('dies without releasing its slot');
        expect((await own.client.waitForResult(next.id))?.status).toBe('succeeded');
        expect(await own.store.results.get(stuck.id)).toBeUndefined();
      });
    } finally {
      await own.teardown();
    }
  });
});
