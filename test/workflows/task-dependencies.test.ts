import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusQuery } from '../../workflows/task-workflow.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, MUL, MUL_TEST, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

describe('task dependencies on a real Temporal server', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const newRepo = (name: string) => createFixtureRepo(path.join(tempDir(name), 'repo'), nodeProjectFiles());
  const settle = (workflowId: string) =>
    stack.testEnv.client.workflow
      .getHandle(workflowId)
      .result()
      .catch(() => undefined);

  it('waits blocked until its dependency lands, then starts from the base holding its merge', async () => {
    const repo = await newRepo('dep-land');
    // Created before any worker runs: the dependent is blocked and says what it waits for.
    const first = await stack.client.createTask({
      title: 'Add mul',
      description: `${writeBlock('src/mul.js', MUL)}\n${writeBlock('test/mul.test.js', MUL_TEST)}`,
      repo,
    });
    // The second task's test imports the first task's file: it passes only on a base holding that merge.
    const square = "import { mul } from './mul.js';\nexport const square = (a) => mul(a, a);";
    const squareTest =
      "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { square } from '../src/square.js';\ntest('square', () => assert.equal(square(3), 9));";
    const second = await stack.client.createTask({
      title: 'Add square',
      description: `${writeBlock('src/square.js', square)}\n${writeBlock('test/square.test.js', squareTest)}`,
      repo,
      dependsOn: [first.id],
    });
    expect(second.status).toBe('blocked');
    const shown = await stack.client.showTask(second.id);
    expect(shown?.dependencies).toEqual([{ id: first.id, status: 'queued' }]);

    const worker = await stack.createWorker();
    await worker.runUntil(async () => {
      const handle = stack.testEnv.client.workflow.getHandle(second.workflowId);
      await expect.poll(() => handle.query(statusQuery).then((s) => s.waitingFor)).toEqual([first.id]);
      await settle(second.workflowId);
    });

    const [a, b] = await Promise.all([stack.store.results.get(first.id), stack.store.results.get(second.id)]);
    expect(a?.status).toBe('succeeded');
    expect(b?.status).toBe('succeeded');
    // Landed in order: the second merge's first parent is the first merge.
    expect(await git(repo, ['rev-parse', `${b!.mergeCommit}^1`])).toBe(a!.mergeCommit);
  });

  it('fails its dependents transitively, with the failing dependency named, when a dependency fails', async () => {
    const repo = await newRepo('dep-fail');
    const broken = await stack.client.createTask({
      title: 'Has no edits',
      description: 'nothing',
      repo,
      maxAttempts: 1,
    });
    const child = await stack.client.createTask({ title: 'Child', description: 'x', repo, dependsOn: [broken.id] });
    const grandchild = await stack.client.createTask({
      title: 'Grandchild',
      description: 'x',
      repo,
      dependsOn: [child.id],
    });
    const worker = await stack.createWorker();
    await worker.runUntil(() => settle(grandchild.workflowId));

    expect((await stack.store.results.get(broken.id))?.status).toBe('failed');
    const childResult = await stack.store.results.get(child.id);
    expect(childResult?.status).toBe('failed');
    expect(childResult?.failureReason).toMatch(new RegExp(`^dependency ${broken.id} failed: gave up after 1 of 1`));
    const grandchildResult = await stack.store.results.get(grandchild.id);
    expect(grandchildResult?.failureReason).toMatch(
      new RegExp(`^dependency ${child.id} failed: dependency ${broken.id}`),
    );
    // Neither dependent ever made a worktree or ran an attempt.
    expect(await stack.store.attempts.listForTask(child.id)).toEqual([]);
  });

  it('refuses unknown and already failed dependencies, writing nothing', async () => {
    const repo = await newRepo('dep-refuse');
    const before = (await stack.store.tasks.list({ limit: 1000 })).length;
    await expect(
      stack.client.createTask({ title: 'x', description: 'x', repo, dependsOn: ['zzzzzzzz0000'] }),
    ).rejects.toThrow('unknown dependency task id(s): zzzzzzzz0000');
    const failed = (await stack.store.tasks.list({ status: 'failed' }))[0]!;
    await expect(
      stack.client.createTask({ title: 'x', description: 'x', repo: failed.repo, dependsOn: [failed.id] }),
    ).rejects.toThrow(`dependency ${failed.id} already failed`);
    expect((await stack.store.tasks.list({ limit: 1000 })).length).toBe(before);
  });
});
