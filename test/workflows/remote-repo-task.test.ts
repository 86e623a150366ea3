import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUL, MUL_TEST, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createBareRepo, refusePushesTo, startGitServer, type GitServer } from '../helpers/git-server.js';
import { createTestStack, type TestStack } from '../helpers/test-env.js';

const run = promisify(execFile);
const onServer = async (bare: string, args: string[]) =>
  (await run('git', args, { cwd: bare, env: { PATH: process.env.PATH!, HOME: bare } })).stdout.trim();

const TOKEN = 'e2e-remote-token-7c6b5a49';

/** Submits the "Add mul" task on `repo` and runs a worker of `stack` until the task ends, however it ends. */
async function runMulTask(stack: TestStack, repo: string) {
  const worker = await stack.createWorker();
  return worker.runUntil(async () => {
    const task = await stack.client.createTask({
      title: 'Add mul',
      description: `Add a multiply function.\n\n${writeBlock('src/mul.js', MUL)}\n${writeBlock('test/mul.test.js', MUL_TEST)}`,
      skills: ['javascript'],
      repo,
      maxAttempts: 2,
    });
    await stack.testEnv.client.workflow
      .getHandle(task.workflowId)
      .result()
      .catch(() => undefined);
    return task;
  });
}

/** A task submitted by URL, run by an in-process worker whose SWARM_HOME has never seen the repository. */
describe.each(['direct', 'queue'] as const)('a task submitted by URL (landing: %s)', (landing) => {
  let stack: TestStack;
  let server: GitServer;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'jetpack-remote-task-'));
    // The remote wants a token, which the client and the worker read from the variable git.tokenEnv names.
    server = await startGitServer({ root, auth: { username: 'x-access-token', password: TOKEN } });
    stack = await createTestStack({
      env: { SWARM_LANDING: landing, SWARM_GIT_TOKEN_ENV: 'REMOTE_PAT', REMOTE_PAT: TOKEN },
    });
  });
  afterAll(async () => {
    await stack?.teardown();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lands on the remote base branch; checkpoints were pushed to swarm/<id>; no local clone is involved', async () => {
    const bare = await createBareRepo(root, 'app', nodeProjectFiles());
    const before = await onServer(bare, ['rev-parse', 'main']);
    const worker = await stack.createWorker();
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Add mul',
        description: `Add a multiply function.\n\n${writeBlock('src/mul.js', MUL)}\n${writeBlock('test/mul.test.js', MUL_TEST)}`,
        skills: ['javascript'],
        repo: `${server.url('app')}/`,
      });
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
      return task;
    });
    // Stored normalized, with the remote's HEAD branch as base.
    expect(task.repo).toBe(server.url('app'));
    expect(task.baseBranch).toBe('main');
    const result = await stack.store.results.get(task.id);
    expect(result).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await onServer(bare, ['rev-parse', 'main'])).toBe(result!.mergeCommit);
    expect(await onServer(bare, ['rev-parse', 'main^1'])).toBe(before);
    expect(await onServer(bare, ['show', 'main:src/mul.js'])).toBe(MUL);
    // The task branch on the remote holds the attempt's checkpoint (the merge's second parent).
    expect(await onServer(bare, ['rev-parse', `refs/heads/${task.branch}`])).toBe(
      await onServer(bare, ['rev-parse', 'main^2']),
    );
    const log = await onServer(bare, ['log', '--format=%(trailers:key=Swarm-Turn,valueonly)', task.branch]);
    expect(log).toContain(`${task.id}/1/`);
    // The baseline and the branch record are keyed by the URL.
    expect(await stack.store.branches.get(task.repo, task.branch)).toMatchObject({ status: 'merged' });
    // The token reached the server, and nothing stored or in the workflow's history holds it.
    expect(server.requests.some((r) => r.user === 'x-access-token' && r.status === 200)).toBe(true);
    const history = await stack.testEnv.client.workflow.getHandle(task.workflowId).fetchHistory();
    expect(JSON.stringify(history)).not.toContain(TOKEN);
    for (const table of ['tasks', 'attempts', 'artifacts', 'check_runs', 'agent_turns', 'branches']) {
      const rows = await stack.store.db.execute(`SELECT * FROM ${table}`);
      expect(JSON.stringify(rows.rows), table).not.toContain(TOKEN);
    }
  });

  it("fails the task with the server's reason when the remote refuses the landing push (not retried)", async () => {
    const bare = await createBareRepo(root, 'guarded', nodeProjectFiles());
    await refusePushesTo(bare, 'refs/heads/main', 'main is protected: open a pull request');
    const before = await onServer(bare, ['rev-parse', 'main']);
    const task = await runMulTask(stack, server.url('guarded'));
    const result = await stack.store.results.get(task.id);
    expect(result?.status).toBe('failed');
    expect(result?.failureReason).toContain('main is protected: open a pull request');
    // Failed at once: one attempt, the base untouched, the checkpoint still on the remote's task branch.
    expect(result?.attempts).toBe(1);
    expect(await onServer(bare, ['rev-parse', 'main'])).toBe(before);
    expect(await onServer(bare, ['rev-parse', `refs/heads/${task.branch}`])).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('the merge queue on a remote that refuses its scratch branch', () => {
  let stack: TestStack;
  let server: GitServer;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'jetpack-remote-scratch-'));
    server = await startGitServer({ root });
    stack = await createTestStack({ env: { SWARM_LANDING: 'queue' } });
  });
  afterAll(async () => {
    await stack?.teardown();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("fails the task with the server's reason instead of building the batch again forever", async () => {
    const bare = await createBareRepo(root, 'rules', nodeProjectFiles());
    // A rule on branch names (as hosted servers' rulesets have) turns away the queue's swarm-queue/main.
    await refusePushesTo(bare, 'refs/heads/swarm-queue/main', 'branch names must start with feature/');
    const before = await onServer(bare, ['rev-parse', 'main']);
    const task = await runMulTask(stack, server.url('rules'));
    const result = await stack.store.results.get(task.id);
    expect(result?.status).toBe('failed');
    expect(result?.failureReason).toContain('branch names must start with feature/');
    expect(result?.attempts).toBe(1);
    expect(await onServer(bare, ['rev-parse', 'main'])).toBe(before);
  });
});
