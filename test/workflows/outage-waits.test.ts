import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTask } from '../../client/format.js';
import { DatabaseUnavailableError } from '../../db/offline-replica.js';
import type { Store } from '../../db/index.js';
import { createFixtureRepo, MUL, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

/** The real store, with the task status writes failing as an unreachable database would, while `down()`. */
function storeWithOutage(store: Store, down: () => boolean): Store {
  const tasks = {
    ...store.tasks,
    setStatus: async (...args: Parameters<Store['tasks']['setStatus']>) => {
      if (down()) throw new DatabaseUnavailableError('cannot reach the database at http://127.0.0.1:1: fetch failed');
      return store.tasks.setStatus(...args);
    },
  };
  return { ...store, tasks };
}

describe('a database outage while a task runs', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('delays the task, shows what it waits for, and lets it finish once the database is back', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('outage'), 'repo'), nodeProjectFiles());
    let down = true;
    const worker = await stack.createWorker('local', { store: storeWithOutage(stack.store, () => down) });
    const { task, waiting } = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Through an outage',
        description: writeBlock('src/mul.js', MUL),
        repo,
      });
      // The first step fails on the database, is retried with backoff, and `task show` says why it waits.
      let shown = await stack.client.showTask(task.id);
      for (let i = 0; i < 60 && (shown?.retrying.length ?? 0) === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        shown = await stack.client.showTask(task.id);
      }
      const waiting = formatTask(shown!);
      down = false;
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
      return { task, waiting };
    });
    expect(waiting).toMatch(
      /waiting {5}for the database: prepareWorkspace, try \d+ \(last failure: cannot reach the database at http:\/\/127\.0\.0\.1:1: fetch failed\)/,
    );
    expect((await stack.store.results.get(task.id))?.status).toBe('succeeded');
  });
});
