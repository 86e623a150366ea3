import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

describe('what the Temporal Web UI shows of a task from its start', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('gives the workflow the title as its summary and the repo, branches, priority, model, skills and description as details', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('metadata'), 'repo'), nodeProjectFiles());
    const task = await stack.client.createTask({
      title: 'Add a farewell function',
      description: 'Write farewell() in src/farewell.js.\n\nIt says goodbye.',
      priority: 'high',
      skills: ['javascript'],
      repo,
    });
    // No worker serves this stack's queue: the workflow waits, described as started.
    const handle = stack.testEnv.client.workflow.getHandle(task.workflowId);
    try {
      const described = await handle.describe();
      expect(await described.staticSummary()).toBe('Add a farewell function');
      const details = await described.staticDetails();
      expect(details).toContain(`**repo** ${task.repo}`);
      expect(details).toContain(`**branch** swarm/${task.id} → main`);
      expect(details).toContain('**priority** high · **model** local · **skills** javascript');
      expect(details).toContain('Write farewell() in src/farewell.js.\n\nIt says goodbye.');
    } finally {
      await handle.terminate('test done');
    }
  });
});
