import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { columnsContaining } from '../helpers/scan-db.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

// The worker's provider key, which a check process sees in its environment (until the sandbox hides it).
const OPENAI_KEY = `fake-openai-${randomBytes(12).toString('hex')}`;
// A configured token the worker knows (a secret-named variable of its environment) and that a file of
// the repository happens to hold: the check prints it by reading the file, sandbox or not.
const DEPLOY_TOKEN = `deploy-${randomBytes(12).toString('hex')}`;
// Nobody configured this one; it is redacted by its shape. The test file assembles it at run time.
const GITHUB_TOKEN = `ghp_${'Zx9'.repeat(12)}`;

/** A module the fixture's build check imports: it prints all three, so the build output holds them. */
const LEAKY_MODULE = [
  "import { readFileSync } from 'node:fs';",
  // The sandbox keeps the worker's key out of the checks' environment; a copy that reached the
  // repository (by any means) is what the redactor, the second line of defence, must catch.
  "console.log('env key:', process.env.OPENAI_API_KEY);",
  "console.log('leaked key:', readFileSync('fixtures/leaked-key.txt', 'utf8').trim());",
  "console.log('repo token:', readFileSync('fixtures/deploy-token.txt', 'utf8').trim());",
  "console.log('shaped:', ['gh', 'p_'].join('') + 'Zx9'.repeat(12));",
  'export const leak = 1;',
].join('\n');

/** A node:test test that fails on attempt 1 with the key and the token in its error message, and passes later. */
const leakyTest = (passes: boolean) =>
  [
    "import test from 'node:test';",
    "import { readFileSync } from 'node:fs';",
    "const token = readFileSync('fixtures/deploy-token.txt', 'utf8').trim();",
    "test('deploys with the token', () => {",
    passes
      ? '  return;'
      : "  throw new Error(`deploy refused: key ${readFileSync('fixtures/leaked-key.txt', 'utf8').trim()} token ${token}`);",
    '});',
  ].join('\n');

describe('secrets printed by a check or a command stay out of the database', () => {
  let stack: TestStack;
  const savedKey = process.env.OPENAI_API_KEY;

  beforeAll(async () => {
    // Checks run with the worker process's environment: this test process is the worker.
    process.env.OPENAI_API_KEY = OPENAI_KEY;
    stack = await createTestStack({
      env: { OPENAI_API_KEY: OPENAI_KEY, JETPACK_E2E_DEPLOY_TOKEN: DEPLOY_TOKEN, SWARM_DEFAULT_MODEL: 'local' },
    });
  });
  afterAll(async () => {
    if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = savedKey;
    await stack?.teardown();
  });

  it('redacts the key and the token from check runs, snapshots, feedback, prompts, turns, results and memories', async () => {
    const repo = await createFixtureRepo(
      path.join(tempDir('leaky'), 'repo'),
      nodeProjectFiles({
        'fixtures/deploy-token.txt': `${DEPLOY_TOKEN}\n`,
        'fixtures/leaked-key.txt': `${OPENAI_KEY}\n`,
      }),
    );
    const worker = await stack.createWorker();
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Read the deploy token',
        description: [
          'Add a test for the deploy token.',
          writeBlock('src/leak.js', LEAKY_MODULE),
          writeBlock('test/leak.test.js', leakyTest(false), '1'),
          writeBlock('test/leak.test.js', leakyTest(true), '2-'),
          '```run\ncat fixtures/deploy-token.txt\n```',
        ].join('\n'),
        repo,
        maxAttempts: 2,
      });
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
      return task;
    });

    // The run really printed the secrets: attempt 1 failed on the token, and the output shows where they were.
    expect((await stack.store.results.get(task.id))?.attempts).toBe(2);
    const [test, build] = await stack.store.checkRuns.list(task.id, 1);
    expect(build?.output).toContain(
      'env key: undefined\nleaked key: [redacted]\nrepo token: [redacted]\nshaped: [redacted]',
    );
    expect(JSON.stringify(test?.result)).toContain('deploy refused: key [redacted] token [redacted]');
    const attempts = await stack.store.attempts.listForTask(task.id);
    expect(attempts.map((a) => a.status)).toEqual(['checks_failed', 'checks_passed']);
    const secondPrompt = await stack.store.artifacts.get(attempts[1]!.promptArtifactId!);
    expect(secondPrompt).toContain('Feedback from the previous attempt');
    expect(secondPrompt).toContain('[redacted]');
    const memories = await (await stack.memory()).list();
    expect(memories.map((m) => m.content).join('\n')).toContain('deploy refused: key [redacted] token [redacted]');

    for (const secret of [OPENAI_KEY, DEPLOY_TOKEN, GITHUB_TOKEN]) {
      expect(await columnsContaining(stack.store.db, secret)).toEqual([]);
    }
    // The workflow history (Temporal's own store) carries ids and summaries, not outputs: none of them either.
    const history = JSON.stringify(
      await stack.testEnv.client.workflow.getHandle(task.workflowId).fetchHistory(),
      (key, value: unknown) =>
        key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
    );
    expect(history).toContain('Read the deploy token');
    for (const secret of [OPENAI_KEY, DEPLOY_TOKEN, GITHUB_TOKEN]) expect(history).not.toContain(secret);

    const redactedIn = await columnsContaining(stack.store.db, '[redacted]');
    expect(redactedIn).toEqual(
      expect.arrayContaining([
        'agent_turns.messages',
        'artifacts.content',
        'check_runs.output',
        'check_runs.result',
        'memories.content',
        'quality_snapshots.comparison',
        'quality_snapshots.metrics',
      ]),
    );
  });
});

describe('a coding-agent CLI that prints a secret in its summary', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // A `command` agent whose last line (its summary) is the repository's token. The CLI adapter only
    // knows the keys it passes to the child; the token is a secret of the worker's environment.
    const dir = tempDir('cli-leak-config');
    const configFile = path.join(dir, 'swarm.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        models: {
          cmd: { adapter: 'command', command: 'cat > /dev/null; echo note > notes.txt; cat fixtures/deploy-token.txt' },
        },
      }),
    );
    stack = await createTestStack({ configFile, env: { JETPACK_E2E_DEPLOY_TOKEN: DEPLOY_TOKEN } });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('keeps it out of the commit message, the workflow history and the database', async () => {
    const repo = await createFixtureRepo(
      path.join(tempDir('cli-leaky'), 'repo'),
      nodeProjectFiles({ 'fixtures/deploy-token.txt': `${DEPLOY_TOKEN}\n` }),
    );
    const worker = await stack.createWorker('cmd');
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Show the token',
        description: 'Print the deploy token.',
        repo,
      });
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
      return task;
    });

    const [attempt] = await stack.store.attempts.listForTask(task.id);
    expect(attempt?.summary).toBe('command exited with code 0: [redacted]');
    expect(await git(repo, ['log', '--all', '--format=%B'])).toContain('command exited with code 0: [redacted]');
    expect(await git(repo, ['log', '--all', '--format=%B'])).not.toContain(DEPLOY_TOKEN);
    const history = JSON.stringify(
      await stack.testEnv.client.workflow.getHandle(task.workflowId).fetchHistory(),
      (key, value: unknown) =>
        key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
    );
    expect(history).toContain('command exited with code 0: [redacted]');
    expect(history).not.toContain(DEPLOY_TOKEN);
    expect(await columnsContaining(stack.store.db, DEPLOY_TOKEN)).toEqual([]);
  });
});
