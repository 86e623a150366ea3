import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_ROUND_BASE } from '../../activities/merge-queue-activities.js';
import { statusQuery } from '../../workflows/task-workflow.js';
import {
  JetpackAttempt,
  JetpackModel,
  JetpackPriority,
  JetpackQuality,
  JetpackStatus,
} from '../../workflows/search-attributes.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, MUL, MUL_TEST, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { findProcesses, isRunning } from '../helpers/processes.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

describe('taskWorkflow on a real Temporal server, libSQL file and git repo', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const newRepo = (name: string, extra: Record<string, string> = {}) =>
    createFixtureRepo(path.join(tempDir(name), 'repo'), nodeProjectFiles(extra));

  it('passes its checks and lands on the base branch, recording everything in libSQL', async () => {
    const repo = await newRepo('land');
    const worker = await stack.createWorker();
    const { task, handle } = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Add mul',
        description: `Add a multiply function.\n\n${writeBlock('src/mul.js', MUL)}\n${writeBlock('test/mul.test.js', MUL_TEST)}`,
        priority: 'high',
        skills: ['javascript'],
        repo,
      });
      const handle = stack.testEnv.client.workflow.getHandle(task.workflowId);
      await handle.result();
      return { task, handle };
    });

    expect(task.baseBranch).toBe('main');
    expect(task.branch).toBe(`swarm/${task.id}`);
    const stored = await stack.store.tasks.get(task.id);
    expect(stored?.status).toBe('succeeded');

    const result = await stack.store.results.get(task.id);
    expect(result).toMatchObject({ status: 'succeeded', attempts: 1, failureReason: null });
    expect(result?.mergeCommit).toMatch(/^[0-9a-f]{40}$/);
    // The merge commit is on main, has the task branch as second parent, and main's tree has the new file.
    expect(await git(repo, ['rev-parse', 'main'])).toBe(result?.mergeCommit);
    expect(await git(repo, ['rev-parse', 'main^2'])).toBe(await git(repo, ['rev-parse', task.branch]));
    expect(await git(repo, ['show', 'main:src/mul.js'])).toBe(MUL);
    // The user's checked-out main working tree was moved along, not left behind its ref.
    expect(readFileSync(path.join(repo, 'src/mul.js'), 'utf8').trim()).toBe(MUL);
    expect(await git(repo, ['status', '--porcelain'])).toBe('');

    const runs = await stack.store.checkRuns.list(task.id);
    const checks = runs.filter((c) => c.round === 1);
    expect(checks.map((c) => [c.name, c.passed, c.exitCode])).toEqual([
      ['test', true, 0],
      ['build', true, 0],
    ]);
    // The merge queue ran the gate once more, on the combined commit it landed.
    const queueRuns = runs.filter((c) => c.round >= QUEUE_ROUND_BASE);
    expect(queueRuns.map((c) => [c.name, c.passed])).toEqual([
      ['test', true],
      ['build', true],
    ]);
    // node:test's report was parsed: both tests (the fixture's and the agent's) counted.
    expect(checks[0]!.result).toMatchObject({ kind: 'test', format: 'node-test', tests: { passed: 2, failed: 0 } });
    expect(checks[0]!.durationMs).toBeGreaterThan(0);

    const [attempt] = await stack.store.attempts.listForTask(task.id);
    expect(attempt).toMatchObject({
      attempt: 1,
      status: 'checks_passed',
      filesChanged: ['src/mul.js', 'test/mul.test.js'],
    });
    expect(await stack.store.artifacts.get(attempt!.promptArtifactId!)).toContain('Add a multiply function');

    const branch = await stack.store.branches.get(repo, task.branch);
    expect(branch).toMatchObject({ status: 'merged', mergeCommit: result?.mergeCommit });
    expect(existsSync(path.join(stack.config.worktreesDir, task.id))).toBe(false);

    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(JetpackStatus)).toBe('succeeded');
    expect(description.typedSearchAttributes.get(JetpackPriority)).toBe('high');
    expect(description.typedSearchAttributes.get(JetpackModel)).toBe('local');
    expect(description.typedSearchAttributes.get(JetpackAttempt)).toBe(1);
    expect(description.memo?.title).toBe('Add mul');
    expect(description.typedSearchAttributes.get(JetpackQuality)).toBe('pass');
    // The attempt's quality snapshot is linked to it, and after the merge it is main's new baseline.
    const snapshot = await stack.store.quality.getAttempt(task.id, 1);
    expect(snapshot).toMatchObject({ passed: true, comparison: { verdict: 'pass', hadBaseline: true } });
    const baseline = await stack.store.quality.getBaseline(repo, 'main');
    expect(baseline?.commitSha).toBe(result?.mergeCommit);
    expect(baseline?.snapshot.checks.find((c) => c.name === 'test')?.tests?.passed).toBe(2);
    // History carries ids and summaries, not outputs: the whole run stays small (the queue's enqueue and
    // verdict, the Web UI's summaries and the outputs of checks together stay far below what one output would be).
    const history = await handle.fetchHistory();
    const size = JSON.stringify(history).length;
    expect(size).toBeLessThan(60_000);
    const outputs = await stack.store.checkRuns.list(task.id);
    expect(outputs.some((run) => run.output.length > 200 && JSON.stringify(history).includes(run.output))).toBe(false);
  });

  it('retries with the failing check output as feedback until the third attempt passes', async () => {
    const repo = await newRepo('retry');
    const worker = await stack.createWorker();
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Add mul, eventually',
        description: [
          writeBlock('src/mul.js', 'export const mul = (a, b) => a + b; // wrong-one', '1'),
          writeBlock('src/mul.js', 'export const mul = (a, b) => a * b + 1; // wrong-two', '2'),
          writeBlock('src/mul.js', MUL, '3-'),
          writeBlock('test/mul.test.js', MUL_TEST),
        ].join('\n'),
        repo,
        maxAttempts: 3,
      });
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
      return task;
    });

    const attempts = await stack.store.attempts.listForTask(task.id);
    expect(attempts.map((a) => a.status)).toEqual(['checks_failed', 'checks_failed', 'checks_passed']);
    const verdicts = await Promise.all([1, 2, 3].map((n) => stack.store.quality.getAttempt(task.id, n)));
    expect(verdicts.map((s) => s?.comparison?.verdict)).toEqual(['regression', 'regression', 'pass']);
    expect(verdicts[0]?.comparison?.regressions).toContainEqual(
      expect.objectContaining({ rule: 'newFailingTest', severity: 'error' }),
    );
    const prompts = await Promise.all(attempts.map((a) => stack.store.artifacts.get(a.promptArtifactId!)));
    expect(prompts[0]).not.toContain('Feedback from the previous attempt');
    // Attempt 2 saw attempt 1's real node:test failure (7 !== 12); attempt 3 saw attempt 2's (13 !== 12).
    expect(prompts[1]).toContain('Feedback from the previous attempt');
    expect(prompts[1]).toMatch(/7 !== 12/);
    // The gate names the failing test with its location and message, not just a failed command.
    expect(prompts[1]).toContain(
      '### Tests that fail now but not on the base branch (blocking)\n- `mul multiplies` (test/mul.test.js:4:1)',
    );
    expect(prompts[2]).toMatch(/13 !== 12/);
    expect(attempts[1]!.feedbackArtifactId).toBe(`${task.id}/1/feedback`);

    const result = await stack.store.results.get(task.id);
    expect(result).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(await git(repo, ['show', 'main:src/mul.js'])).toBe(MUL);
  });

  it('fails with its reason stored once it exhausts its attempts', async () => {
    const repo = await newRepo('exhaust');
    const worker = await stack.createWorker();
    const task = await stack.client.createTask({
      title: 'Never passes',
      description: `${writeBlock('src/mul.js', 'export const mul = () => 0;')}\n${writeBlock('test/mul.test.js', MUL_TEST)}`,
      repo,
      maxAttempts: 2,
    });
    const outcome = await worker.runUntil(
      stack.testEnv.client.workflow
        .getHandle(task.workflowId)
        .result()
        .catch((e: unknown) => e),
    );
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect(String((outcome as WorkflowFailedError).cause?.message)).toMatch(/gave up after 2 of 2 attempt\(s\)/);

    const stored = await stack.store.tasks.get(task.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.failureReason).toMatch(
      /gave up after 2 of 2 attempt\(s\); last failure: attempt 2: quality gate failed: regression: 1 newFailingTest/,
    );
    const result = await stack.store.results.get(task.id);
    expect(result).toMatchObject({ status: 'failed', attempts: 2, mergeCommit: null });
    expect(await stack.store.checkRuns.list(task.id)).toHaveLength(4);
    // Nothing landed; the branch with the failed work is kept for inspection.
    expect(await git(repo, ['rev-list', '--count', 'main'])).toBe('1');
    // Each turn that changed files is a checkpoint commit: attempt 1 made two; attempt 2 wrote the same files, so none.
    expect(await git(repo, ['rev-list', '--count', task.branch])).toBe('3');
    expect((await stack.store.branches.get(repo, task.branch))?.status).toBe('failed');
  });

  it('runs the agent’s commands and the checks in the task’s sandbox, away from the database and the user’s clone', async () => {
    const database = stack.config.database.mode === 'local' ? stack.config.database.path : stack.home;
    const repo = await newRepo('sandboxed', {
      // Passes only where the database is hidden and the user's clone is read-only.
      '.swarm.json': JSON.stringify({
        checks: {
          test: 'node --test',
          contained: `test ! -e ${database} && test ! -w "$(git rev-parse --git-common-dir)/.."`,
        },
      }),
    });
    const look = `{ test -e ${database} && echo "database visible" || echo "database hidden"; } > seen.txt`;
    const worker = await stack.createWorker();
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Look around',
        description: `${writeBlock('src/mul.js', MUL)}\n\`\`\`run\n${look}\n\`\`\``,
        repo,
      });
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
      return task;
    });
    expect(await stack.store.results.get(task.id)).toMatchObject({ status: 'succeeded' });
    expect(await git(repo, ['show', 'main:seen.txt'])).toBe('database hidden');
  });

  it('lands on a base branch that moved meanwhile: the queue tests the change on the new base and lands both', async () => {
    const repo = path.join(tempDir('moving-base'), 'repo');
    // The task's `build` after the agent's change waits in the worktree until a teammate has committed
    // to main. The teammate is this test: a check is sandboxed and cannot touch the user's clone.
    // The queue's gate runs in a temporary checkout (checkout-*), where it does not wait.
    const waitForTeammate =
      'case "$PWD" in */checkout-*) exit 0;; esac; if [ -f src/mul.js ] && [ ! -f .teammate-done ]; then touch .waiting; while [ ! -f .teammate-done ]; do sleep 0.1; done; fi';
    await createFixtureRepo(
      repo,
      nodeProjectFiles({ '.swarm.json': JSON.stringify({ checks: { test: 'node --test', build: waitForTeammate } }) }),
    );
    const worker = await stack.createWorker();
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Add mul while main moves',
        description: writeBlock('src/mul.js', MUL),
        repo,
      });
      const worktree = path.join(stack.config.worktreesDir, task.id);
      await expect
        .poll(() => existsSync(path.join(worktree, '.waiting')), { timeout: 60_000, interval: 100 })
        .toBe(true);
      await writeFile(path.join(repo, 'TEAMMATE.md'), 'teammate\n');
      await git(repo, ['add', 'TEAMMATE.md']);
      await git(repo, ['commit', '-qm', 'teammate change']);
      await writeFile(path.join(worktree, '.teammate-done'), '');
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
      return task;
    });
    const checks = await stack.store.checkRuns.list(task.id);
    // The task's own gate once; the queue's once, on main with the teammate's commit and the change merged.
    expect(checks.map((c) => `${c.round >= QUEUE_ROUND_BASE ? 'queue' : c.round}:${c.name}`)).toEqual([
      '1:test',
      '1:build',
      'queue:test',
      'queue:build',
    ]);
    expect(await git(repo, ['log', '-1', '--format=%s', 'main^1'])).toBe('teammate change');
    expect(await git(repo, ['show', 'main:TEAMMATE.md'])).toBe('teammate');
    expect(await git(repo, ['show', 'main:src/mul.js'])).toBe(MUL);
    expect(await git(repo, ['log', '-1', '--format=%s', 'main'])).toBe(
      `swarm: merge task ${task.id}: Add mul while main moves`,
    );
  });

  it('cancels cleanly: the running check’s process group is killed and the result says cancelled', async () => {
    // A sleep no other test runs, found on the host by its command line (inside, the check sees only its own PID namespace).
    const sleep = `sleep 300.${process.pid}`;
    const repo = await createFixtureRepo(
      path.join(tempDir('cancel'), 'repo'),
      nodeProjectFiles({
        // Slow only once the agent's file exists, so the base branch's baseline collects quickly.
        '.swarm.json': JSON.stringify({ checks: { slow: `if [ -f src/mul.js ]; then exec ${sleep}; fi` } }),
      }),
    );
    const worker = await stack.createWorker();
    const task = await stack.client.createTask({
      title: 'Slow checks',
      description: writeBlock('src/mul.js', MUL),
      repo,
    });
    const handle = stack.testEnv.client.workflow.getHandle(task.workflowId);
    await worker.runUntil(async () => {
      await expect.poll(() => findProcesses(sleep, { exact: true }).length, { timeout: 30_000 }).toBe(1);
      const [pid] = findProcesses(sleep, { exact: true });
      expect((await handle.query(statusQuery)).status).toBe('checking');
      await handle.cancel();
      await handle.result().catch(() => undefined);
      // The workflow waited for the check to stop before it recorded the result: the process is gone already.
      expect(isRunning(pid!)).toBe(false);
    });
    expect(await stack.store.results.get(task.id)).toMatchObject({ status: 'cancelled' });
    expect((await stack.store.tasks.get(task.id))?.status).toBe('cancelled');
    expect(existsSync(path.join(stack.config.worktreesDir, task.id))).toBe(false);
  });
});
