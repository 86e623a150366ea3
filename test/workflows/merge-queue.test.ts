import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_ROUND_BASE } from '../../activities/merge-queue-activities.js';
import { mergeQueueId } from '../../tasks/merge-queue-id.js';
import { queueStateQuery } from '../../workflows/merge-queue-workflow.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';
import { runCliCaptured } from '../helpers/captured-cli.js';

/** node:test tests in one file: `name` passes when `body` holds. */
const testFile = (name: string, body: string, imports = '') =>
  `import test from 'node:test';\nimport assert from 'node:assert/strict';\n${imports}test('${name}', () => { ${body} });\n`;

describe('the merge queue of one base branch (real server, real git)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    const dir = tempDir('queue-config');
    const configFile = path.join(dir, 'swarm.config.json');
    // Eight tasks at once: the worker takes them all; the sandbox is not what these tests are about.
    writeFileSync(configFile, JSON.stringify({ models: { local: { adapter: 'local', concurrency: 8 } } }));
    stack = await createTestStack({ configFile, env: { SWARM_SANDBOX: 'none' } });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const newRepo = (name: string, extra: Record<string, string> = {}) =>
    createFixtureRepo(
      path.join(tempDir(name), 'repo'),
      nodeProjectFiles({ '.swarm.json': JSON.stringify({ checks: { test: 'node --test' } }), ...extra }),
    );
  const swarm = async (args: string[]) => {
    const { code, stdout, stderr } = await runCliCaptured(args, stack.env, stack.home);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    return { stdout, stderr };
  };
  const settle = (workflowId: string) =>
    stack.testEnv.client.workflow
      .getHandle(workflowId)
      .result()
      .catch((e: unknown) => e);
  /** Gate runs: the tasks' own (rounds 1, 2, …) and the queue's (one per combined commit tested). */
  const gateRuns = async (taskIds: string[]) => {
    const runs = (await Promise.all(taskIds.map((id) => stack.store.checkRuns.list(id)))).flat();
    const distinct = (rs: typeof runs) => new Set(rs.map((r) => `${r.taskId}/${r.attempt}/${r.round}`)).size;
    return {
      tasks: distinct(runs.filter((r) => r.round < QUEUE_ROUND_BASE)),
      queue: distinct(runs.filter((r) => r.round >= QUEUE_ROUND_BASE)),
    };
  };

  it('lands 8 concurrent tasks touching different files, with fewer gate runs than 2 × tasks', async () => {
    const repo = await newRepo('queue-eight');
    const worker = await stack.createWorker();
    const tasks = await worker.runUntil(async () => {
      const tasks = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          stack.client.createTask({
            title: `Add f${i}`,
            description: writeBlock(`src/f${i}.js`, `export const f${i} = ${i};`),
            repo,
          }),
        ),
      );
      const outcomes = await Promise.all(tasks.map((t) => settle(t.workflowId)));
      expect(outcomes.map((o) => (o as { status?: string }).status)).toEqual(Array(8).fill('succeeded'));
      const state = await stack.testEnv.client.workflow.getHandle(mergeQueueId(repo, 'main')).query(queueStateQuery);
      expect(state).toMatchObject({ entries: [], landed: 8 });
      // `swarm queue show` prints the same state.
      const shown = await swarm(['queue', 'show', '--repo', repo, '--branch', 'main', '--json']);
      expect(JSON.parse(shown.stdout)).toMatchObject({
        status: 'running',
        state: { entries: [], landed: 8, phase: 'idle' },
      });
      expect((await swarm(['queue', 'show', '--repo', repo])).stdout).toMatch(
        /8 landed\nbatch under test: none\nno entries waiting/,
      );
      return tasks;
    });
    for (let i = 0; i < 8; i++)
      expect(await git(repo, ['show', `main:src/f${i}.js`])).toBe(`export const f${i} = ${i};`);
    const runs = await gateRuns(tasks.map((t) => t.id));
    expect(runs.tasks).toBe(8);
    expect(runs.tasks + runs.queue).toBeLessThan(16);
    // Each task's own merge commit is on main's first-parent chain exactly once.
    const subjects = (await git(repo, ['log', '--first-parent', '--format=%s', 'main'])).split('\n');
    for (const t of tasks) expect(subjects.filter((s) => s.startsWith(`swarm: merge task ${t.id}:`))).toHaveLength(1);
  });

  it('lands the others of a batch and sends the breaking entry back with feedback naming its failing test', async () => {
    // The package's own `node --test` script: its report names each failing test.
    const repo = await createFixtureRepo(path.join(tempDir('queue-breaking'), 'repo'), nodeProjectFiles());
    expect((await swarm(['queue', 'show', '--repo', repo])).stdout).toContain('not started yet');
    const worker = await stack.createWorker();
    // `c` passes its own gate but fails wherever the queue tests it (a temporary checkout): only the queue sees it break.
    const description = (name: string, test: string) =>
      `${writeBlock(`src/${name}.js`, `export const ${name} = 1;`)}\n${writeBlock(`test/${name}.test.js`, test)}`;
    const [a, b, c] = await worker.runUntil(async () => {
      const made = await Promise.all([
        stack.client.createTask({
          title: 'a',
          description: description('a', testFile('a is one', 'assert.equal(1, 1);')),
          repo,
        }),
        stack.client.createTask({
          title: 'b',
          description: description('b', testFile('b is one', 'assert.equal(1, 1);')),
          repo,
        }),
        stack.client.createTask({
          title: 'c',
          description: [
            description('c', testFile('c is alone', "assert.ok(!process.cwd().includes('checkout-'));")),
            writeBlock('test/c.test.js', testFile('c is alone', 'assert.ok(true);'), '2-'),
          ].join('\n'),
          repo,
          maxAttempts: 2,
        }),
      ]);
      await Promise.all(made.map((t) => settle(t.workflowId)));
      return made;
    });
    const results = await Promise.all([a!, b!, c!].map((t) => stack.store.results.get(t.id)));
    expect(results.map((r) => [r?.status, r?.attempts, r?.failureReason])).toEqual([
      ['succeeded', 1, null],
      ['succeeded', 1, null],
      ['succeeded', 2, null],
    ]);
    const [, second] = await stack.store.attempts.listForTask(c!.id);
    const prompt = await stack.store.artifacts.get(second!.promptArtifactId!);
    expect(prompt).toContain('The merge queue tested your change');
    expect(prompt).toContain('`c is alone`');
    for (const name of ['a', 'b', 'c'])
      expect(await git(repo, ['show', `main:src/${name}.js`])).toContain(`export const ${name}`);
  });

  it('gives the second of two tasks editing the same lines a conflict attempt, which resolves it and lands', async () => {
    const repo = await newRepo('queue-conflict');
    const worker = await stack.createWorker();
    const resolved = 'export const sum = (a, b) => a + b; // checked: both';
    const task = (side: string) =>
      stack.client.createTask({
        title: `Comment sum: ${side}`,
        description: [
          writeBlock('src/sum.js', `export const sum = (a, b) => a + b; // checked: ${side}`, '1'),
          writeBlock('src/sum.js', resolved, '2'),
        ].join('\n'),
        repo,
        maxAttempts: 2,
      });
    const tasks = await worker.runUntil(async () => {
      const made = await Promise.all([task('left'), task('right')]);
      await Promise.all(made.map((t) => settle(t.workflowId)));
      return made;
    });
    const results = await Promise.all(tasks.map((t) => stack.store.results.get(t.id)));
    expect(results.map((r) => r?.status)).toEqual(['succeeded', 'succeeded']);
    expect(results.map((r) => r?.attempts).sort()).toEqual([1, 2]);
    const second = tasks[results.findIndex((r) => r?.attempts === 2)]!;
    const first = tasks[results.findIndex((r) => r?.attempts === 1)]!;
    const [, resolving] = await stack.store.attempts.listForTask(second.id);
    const prompt = await stack.store.artifacts.get(resolving!.promptArtifactId!);
    expect(prompt).toContain('## Merge conflicts to resolve');
    expect(prompt).toContain('### `src/sum.js`');
    // The base commit that caused it is the first task's own commit, landed by the queue.
    const firstHead = await git(repo, ['rev-parse', `${(await stack.store.results.get(first.id))!.mergeCommit}^2`]);
    expect(prompt).toContain(firstHead);
    expect(await git(repo, ['show', 'main:src/sum.js'])).toBe(resolved);
  });
});
