import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureRepo, MUL_WRONG_THEN_RIGHT, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

describe('shared memory flowing between tasks, on real Temporal and libSQL vectors', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('stores what a task learned and puts it in the prompt of a later similar task', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('memory'), 'repo'), nodeProjectFiles());
    const worker = await stack.createWorker();
    const description = (extra: string) =>
      ['Add a multiply function mul(a, b) to src/mul.js with a node:test test.', MUL_WRONG_THEN_RIGHT, extra].join(
        '\n',
      );

    const [first, second] = await worker.runUntil(async () => {
      const first = await stack.client.createTask({
        title: 'Add a multiply function',
        description: description(''),
        repo,
        skills: ['javascript'],
      });
      await stack.testEnv.client.workflow.getHandle(first.workflowId).result();
      const second = await stack.client.createTask({
        title: 'Add a multiply function again',
        description: description(writeBlock('docs/mul.md', 'mul(a, b) multiplies.')),
        repo,
        skills: ['javascript'],
      });
      await stack.testEnv.client.workflow.getHandle(second.workflowId).result();
      return [first, second];
    });

    const learned = await (await stack.memory()).list({});
    const fromFirst = learned.filter((m) => m.provenance.some((p) => p.taskId === first.id));
    expect(fromFirst.map((m) => m.type).sort()).toEqual(['error_pattern', 'solution_pattern']);
    const errorPattern = fromFirst.find((m) => m.type === 'error_pattern')!;
    expect(errorPattern.content).toContain('mul multiplies');
    expect(errorPattern.branch).toBe('main');

    // The first task had nothing to recall; the second recalled the first one's lessons.
    const [firstAttempt] = await stack.store.attempts.listForTask(first.id);
    expect(firstAttempt!.memoryIds).toEqual([]);
    const [secondAttempt] = await stack.store.attempts.listForTask(second.id);
    expect(secondAttempt!.memoryIds).toEqual(expect.arrayContaining(fromFirst.map((m) => m.id)));
    const prompt = await stack.store.artifacts.get(secondAttempt!.promptArtifactId!);
    expect(prompt).toContain('## Relevant memories from earlier tasks');
    expect(prompt).toContain('(error_pattern, similarity');
    expect(prompt).toContain('mul multiplies');
  });
});
