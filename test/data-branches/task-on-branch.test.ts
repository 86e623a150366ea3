import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataBranches } from '../../data-branches/data-branches.js';
import type { Store } from '../../db/index.js';
import { createFixtureRepo, MUL_WRONG_THEN_RIGHT, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';
import { branchEnv, type Backend } from './branch-env.js';

const count = async (store: Store, sql: string, args: string[]) =>
  Number((await store.db.execute({ sql, args })).rows[0]!.n);

describe.each<Backend>(['file', 'sqld'])('a task run on a data branch (%s backend), then merged', (backend) => {
  let stack: TestStack;
  beforeAll(async () => {
    const home = tempDir('branch-home');
    stack = await createTestStack({ env: await branchEnv(backend, home) });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('keeps the run off the main data until the merge, which brings its records and memories exactly once', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('branch-repo'), 'repo'), nodeProjectFiles());
    const branches = dataBranches(stack.client.dataStores);
    await branches.create('trial');
    const worker = await stack.createWorker();
    const task = await worker.runUntil(async () => {
      const created = await stack.client.createTask({
        title: 'Add a multiply function',
        description: ['Add mul(a, b) to src/mul.js with a node:test test.', MUL_WRONG_THEN_RIGHT].join('\n'),
        repo,
        skills: ['javascript'],
        dataBranch: 'trial',
      });
      await stack.testEnv.client.workflow.getHandle(created.workflowId).result();
      return created;
    });

    const main = stack.store;
    const branch = await stack.client.dataStores.forBranch('trial');
    const byTask = 'SELECT count(*) AS n FROM memories WHERE provenance LIKE ?';
    const fromTask = [`%"taskId":"${task.id}"%`];
    // The run is on the branch, whole; the main data does not see it.
    expect((await branch.tasks.get(task.id))?.status).toBe('succeeded');
    expect(await branch.attempts.listForTask(task.id)).toHaveLength(2);
    expect(await count(branch, byTask, fromTask)).toBe(2);
    expect(await branch.quality.getBaseline(repo, 'main')).not.toBeNull();
    expect(await main.tasks.get(task.id)).toBeUndefined();
    expect(await count(main, byTask, fromTask)).toBe(0);
    expect(await main.quality.getBaseline(repo, 'main')).toBeNull();
    // The client reads the task where it is.
    expect((await stack.client.showTask(task.id))?.result?.status).toBe('succeeded');

    const report = await branches.merge('trial');
    expect(report.tasks).toEqual([task.id]);
    expect((await main.tasks.get(task.id))?.status).toBe('succeeded');
    expect(await main.attempts.listForTask(task.id)).toHaveLength(2);
    expect(await main.results.count(task.id)).toBe(1);
    expect(await count(main, byTask, fromTask)).toBe(2);
    expect(await main.quality.getBaseline(repo, 'main')).not.toBeNull();

    expect((await branches.merge('trial')).unchanged).toBe(true);
    expect(await count(main, byTask, fromTask)).toBe(2);
    expect(await main.attempts.listForTask(task.id)).toHaveLength(2);

    await branches.delete('trial');
    expect(await branches.list()).toEqual([]);
    expect((await stack.client.showTask(task.id))?.result?.status).toBe('succeeded');
  });
});
