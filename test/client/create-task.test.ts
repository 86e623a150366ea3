import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskInputError } from '../../client/swarm-client.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

describe('creating a task with invalid input', () => {
  let stack: TestStack;
  let repo: string;
  beforeAll(async () => {
    stack = await createTestStack();
    repo = await createFixtureRepo(path.join(tempDir('input'), 'repo'), nodeProjectFiles());
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const valid = () => ({ title: 'A task', description: 'Do a thing', repo });
  const notGit = () => {
    const dir = path.join(tempDir('plain'), 'dir');
    mkdirSync(dir);
    return dir;
  };

  const cases: Array<[string, () => Record<string, unknown>, RegExp]> = [
    [
      'an unknown priority',
      () => ({ ...valid(), priority: 'urgent' }),
      /priority: Invalid option: expected one of "low"\|"medium"\|"high"\|"critical"/,
    ],
    ['an empty title', () => ({ ...valid(), title: '   ' }), /title: title must not be empty/],
    ['a missing description', () => ({ title: 'x', repo }), /description: .*expected string/i],
    ['zero max attempts', () => ({ ...valid(), maxAttempts: 0 }), /maxAttempts: maxAttempts must be at least 1/],
    ['an unknown field', () => ({ ...valid(), colour: 'red' }), /Unrecognized key: "colour"/],
    [
      'a skill that is not a word',
      () => ({ ...valid(), skills: ['Type Script'] }),
      /skills\.0: skills are short lowercase words/,
    ],
    [
      'a repo that does not exist',
      () => ({ ...valid(), repo: '/nonexistent/repo' }),
      /repo \/nonexistent\/repo does not exist/,
    ],
    ['a directory that is not a git repo', () => ({ ...valid(), repo: notGit() }), /is not a git repository/],
    ['a base branch the repo lacks', () => ({ ...valid(), baseBranch: 'develop' }), /has no branch "develop"/],
    [
      'a model type that is not configured',
      () => ({ ...valid(), model: 'gpt' }),
      /model "gpt" is not configured \(configured: local\)/,
    ],
    [
      'skills no model has',
      () => ({ ...valid(), skills: ['cobol'] }),
      /no configured model type has all the required skills: cobol/,
    ],
  ];

  it.each(cases)('rejects %s with a message naming the problem, and writes nothing', async (_name, input, message) => {
    const tasksBefore = await stack.store.db.execute('SELECT COUNT(*) AS n FROM tasks');
    const error = await stack.client.createTask(input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskInputError);
    expect((error as Error).message).toMatch(message);
    const tasksAfter = await stack.store.db.execute('SELECT COUNT(*) AS n FROM tasks');
    expect(tasksAfter.rows[0]!.n).toBe(tasksBefore.rows[0]!.n);
  });

  it('starts no workflow for rejected input', async () => {
    await expect(stack.client.createTask({ ...valid(), title: 'rejected-marker', priority: 'nope' })).rejects.toThrow(
      TaskInputError,
    );
    const found = [];
    for await (const wf of stack.testEnv.client.workflow.list({ query: `JetpackRepo = "${repo}"` }))
      found.push(wf.workflowId);
    expect(found).toEqual([]);
  });

  it('accepts a valid task, defaulting the base branch to the repo’s current branch', async () => {
    const task = await stack.client.createTask({ ...valid(), skills: ['javascript'] });
    expect(task).toMatchObject({
      status: 'queued',
      baseBranch: 'main',
      modelType: 'local',
      priority: 'medium',
      maxAttempts: 3,
    });
    await stack.testEnv.client.workflow.getHandle(task.workflowId).terminate('test done');
  });
});
