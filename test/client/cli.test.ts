import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureRepo, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));
const run = promisify(execFile);

describe('the swarm CLI', () => {
  let stack: TestStack;
  let repo: string;
  beforeAll(async () => {
    stack = await createTestStack();
    repo = await createFixtureRepo(path.join(tempDir('cli'), 'repo'), nodeProjectFiles());
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const swarm = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [SWARM_BIN, ...args], {
        env: { ...process.env, ...stack.env, ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('creates a task, waits for it, and shows it in list, show and status', async () => {
    const worker = await stack.createWorker();
    const created = await worker.runUntil(
      swarm([
        'task',
        'create',
        '--title',
        'CLI task',
        '--description',
        writeBlock('src/mul.js', 'export const mul = (a, b) => a * b;'),
        '--priority',
        'critical',
        '--skills',
        'javascript',
        '--repo',
        repo,
        '--wait',
        '--json',
      ]),
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const shown = JSON.parse(created.stdout);
    expect(shown.task).toMatchObject({
      title: 'CLI task',
      priority: 'critical',
      status: 'succeeded',
      skills: ['javascript'],
    });
    expect(shown.result.status).toBe('succeeded');
    expect(shown.webUrl).toBe(`http://localhost:8233/namespaces/default/workflows/task-${shown.task.id}`);

    const list = await swarm(['task', 'list', '--json']);
    expect(JSON.parse(list.stdout).map((t: { id: string }) => t.id)).toContain(shown.task.id);
    const text = await swarm(['task', 'show', shown.task.id]);
    expect(text.stdout).toMatch(/attempt 1: checks_passed/);
    expect(text.stdout).toMatch(/pass test: `node --test` exit 0/);
    expect(text.stdout).toMatch(/gate: pass/);
    const status = await swarm(['status', '--json']);
    expect(JSON.parse(status.stdout).tasks.succeeded).toBeGreaterThanOrEqual(1);
    const quality = JSON.parse((await swarm(['quality', 'show', '--task', shown.task.id, '--json'])).stdout);
    expect(quality.snapshot).toMatchObject({ attempt: 1, passed: true, comparison: { verdict: 'pass' } });
    // The baseline the gate judged the task against (the base before it landed), not the one after its merge.
    expect(quality.baseline.id).toBe(quality.snapshot.baselineId);
    expect(quality.baseline.commitSha).not.toBe(shown.result.mergeCommit);
    const baseline = await swarm(['quality', 'baseline', 'set', '--repo', repo, '--json']);
    expect(baseline.stderr).toBe('');
    expect(baseline.code).toBe(0);
    expect(JSON.parse(baseline.stdout)).toMatchObject({
      kind: 'baseline',
      branch: 'main',
      commitSha: shown.result.mergeCommit,
    });
    expect(
      JSON.parse(baseline.stdout).snapshot.checks.map((c: { name: string; passed: boolean }) => [c.name, c.passed]),
    ).toEqual([
      ['test', true],
      ['build', true],
    ]);
    // `baseline set` is answered by `baseline show`, which names the checks judged by exit code only.
    const shownBaseline = await swarm(['quality', 'baseline', 'show', '--repo', repo]);
    expect(shownBaseline.code).toBe(0);
    expect(shownBaseline.stdout).toMatch(/pass test \(test, node-test\)/);
    expect(shownBaseline.stdout).toMatch(/pass build \(build, exit-code\).*judged by exit code only/);
    const agents = await swarm(['agents', 'list', '--all', '--json']);
    expect(JSON.parse(agents.stdout)).toContainEqual(
      expect.objectContaining({ id: worker.agentId, status: 'offline', completed: 1 }),
    );
  });

  it('names the problem and exits 2 on bad input, writing nothing', async () => {
    const before = (await stack.store.tasks.list()).length;
    const badPriority = await swarm(['task', 'create', '--title', 't', '--description', 'd', '--priority', 'urgent']);
    expect(badPriority.code).toBe(2);
    expect(badPriority.stderr).toMatch(/argument 'urgent' is invalid. Allowed choices are low, medium, high, critical/);
    const badAttempts = await swarm(['task', 'create', '--title', 't', '--description', 'd', '--max-attempts', 'many']);
    expect(badAttempts.code).toBe(2);
    expect(badAttempts.stderr).toMatch(/--max-attempts must be a whole number from 1 to 10, got "many"/);
    const noDescription = await swarm(['task', 'create', '--title', 't', '--repo', repo]);
    expect(noDescription.code).toBe(2);
    expect(noDescription.stderr).toMatch(/a description is needed/);
    const notRepo = await swarm(['task', 'create', '--title', 't', '--description', 'd', '--repo', '/nonexistent']);
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toMatch(/repo \/nonexistent does not exist/);
    const unknownTask = await swarm(['task', 'show', 'zzzzzzzz']);
    expect(unknownTask.code).toBe(2);
    expect(unknownTask.stderr).toMatch(/no task with id "zzzzzzzz"/);
    const badEnv = await swarm(['task', 'list'], { SWARM_DB_MODE: 'cloud' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/SWARM_DB_MODE must be local, remote or replica, got "cloud"/);
    const unknownModel = await swarm(['worker', '--model', 'constructor']);
    expect(unknownModel.code).toBe(2);
    expect(unknownModel.stderr).toMatch(/model type "constructor" is not configured \(configured: local\)/);
    expect((await stack.store.tasks.list()).length).toBe(before);
  });

  it('runs the quick-start demo end to end and prints the Web UI link', async () => {
    const home = tempDir('demo-home');
    const demo = await swarm(['demo'], { SWARM_HOME: home, SWARM_TASK_QUEUE_PREFIX: 'demo-test' });
    expect(demo.code, demo.stdout + demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/result\s+succeeded after 2 attempt\(s\)/);
    expect(demo.stdout).toMatch(/FAIL test: `node --test` exit 1/);
    expect(demo.stdout).toMatch(/gate: regression: 1 newFailingTest/);
    expect(demo.stdout).toMatch(
      /See it in the Temporal Web UI: http:\/\/localhost:8233\/namespaces\/default\/workflows\/task-[a-z0-9]+/,
    );
    expect(demo.stdout).toMatch(/swarm: merge task/);
  });
});
