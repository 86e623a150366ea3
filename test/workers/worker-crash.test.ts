import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_ROUND_BASE } from '../../activities/merge-queue-activities.js';
import { baselineWorkflowId, mergeQueueId } from '../../tasks/merge-queue-id.js';
import { queueStateQuery } from '../../workflows/merge-queue-workflow.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { isRunning } from '../helpers/processes.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));

/** True once the server holds a heartbeat of a running activity naming this process group. */
async function heartbeatNames(handle: WorkflowHandle, pid: number): Promise<boolean> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? []).some((a) =>
    (a.heartbeatDetails?.payloads ?? []).some((p) =>
      Buffer.from(p.data ?? [])
        .toString()
        .includes(`"pid":${pid}`),
    ),
  );
}

describe('a worker SIGKILLed in the middle of a long activity', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Unconfined on purpose: these tests are about the orphans a dead worker leaves, which its
    // successor kills from the last heartbeat. In a bubblewrap sandbox there are none to find: the
    // sandbox dies with its worker (test/process/sandbox.test.ts shows it).
    stack = await createTestStack({ env: { SWARM_SANDBOX: 'none' } });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('is replaced by a second worker that finishes the task with exactly one result', async () => {
    const dir = tempDir('crash');
    const firstRunPid = path.join(dir, 'first-run.pid');
    // The first run of the check hangs (it is running when its worker dies); the retry passes.
    const check = `if [ -f ${firstRunPid} ]; then echo second run; exit 0; fi; echo $$ > ${firstRunPid}; exec sleep 300`;
    const repo = await createFixtureRepo(
      path.join(dir, 'repo'),
      nodeProjectFiles({ '.swarm.json': JSON.stringify({ checks: { slow: check } }) }),
    );

    const first = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      env: { ...process.env, ...stack.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let firstStderr = '';
    first.stderr.on('data', (chunk: Buffer) => (firstStderr += chunk.toString()));
    try {
      const task = await stack.client.createTask({
        title: 'Survive a crash',
        description: writeBlock('src/mul.js', 'export const mul = (a, b) => a * b;'),
        repo,
      });
      await expect.poll(() => existsSync(firstRunPid), { timeout: 60_000, interval: 200 }).toBe(true);
      const agentsBefore = await stack.store.agents.list();
      expect(agentsBefore.map((a) => a.pid)).toContain(first.pid);

      const orphan = Number(readFileSync(firstRunPid, 'utf8'));
      // Kill only once the server holds a heartbeat naming the running check's process group.
      const handle = stack.testEnv.client.workflow.getHandle(task.workflowId);
      // The first run is the base commit's baseline, collected by its single-flight baseline workflow.
      const baseline = stack.testEnv.client.workflow.getHandle(
        baselineWorkflowId(repo, await git(repo, ['rev-parse', 'main'])),
      );
      await expect.poll(() => heartbeatNames(baseline, orphan), { timeout: 30_000, interval: 250 }).toBe(true);
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      expect(isRunning(orphan)).toBe(true);

      const second = await stack.createWorker();
      await second.runUntil(handle.result());

      expect(await stack.store.results.count(task.id)).toBe(1);
      expect(await stack.store.results.get(task.id)).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        agentId: second.agentId,
      });
      expect(await stack.store.attempts.listForTask(task.id)).toHaveLength(1);
      // The task's own gate (the merge queue's gate on the combined commit is stored apart, round >= QUEUE_ROUND_BASE).
      const runs = (await stack.store.checkRuns.list(task.id)).filter((r) => r.round < QUEUE_ROUND_BASE);
      expect(runs.map((r) => [r.name, r.passed])).toEqual([['slow', true]]);
      expect(runs[0]!.output).toContain('second run');
      // The second worker read the dead worker's last heartbeat and killed the orphaned check.
      expect(isRunning(orphan)).toBe(false);
      expect(await git(repo, ['show', 'main:src/mul.js'])).toContain('a * b');
      expect((await stack.store.agents.get(second.agentId))?.completed).toBe(1);
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
      if (firstStderr.includes('Error')) console.error(firstStderr);
    }
  });

  it('resumes an agent loop from its last checkpoint on another worker, repeating no earlier turn', async () => {
    const dir = tempDir('crash-loop');
    const pidFile = path.join(dir, 'turn3.pid');
    const marker = path.join(dir, 'turn3.started');
    const repo = await createFixtureRepo(path.join(dir, 'repo'), nodeProjectFiles());
    // Turn 3 hangs the first time it runs (its worker dies there); the resumed run passes through.
    const slowTurn = `if [ -f ${marker} ]; then echo resumed; else touch ${marker}; echo $$ > ${pidFile}; exec sleep 300; fi`;
    const description = [
      writeBlock('src/a.js', 'export const a = 1;'),
      writeBlock('src/b.js', 'export const b = 2;'),
      '```run\n' + slowTurn + '\n```',
      writeBlock('src/c.js', 'export const c = 3;'),
    ].join('\n');

    const first = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      env: { ...process.env, ...stack.env },
      stdio: 'ignore',
    });
    try {
      const task = await stack.client.createTask({ title: 'Loop survives a crash', description, repo });
      await expect.poll(() => existsSync(pidFile), { timeout: 60_000, interval: 200 }).toBe(true);
      const orphan = Number(readFileSync(pidFile, 'utf8'));
      const handle = stack.testEnv.client.workflow.getHandle(task.workflowId);
      await expect.poll(() => heartbeatNames(handle, orphan), { timeout: 30_000, interval: 250 }).toBe(true);
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));

      const second = await stack.createWorker();
      await second.runUntil(handle.result());

      const calls = (await stack.store.modelCalls.listForTask(task.id)).map((c) => `${c.turn}.${c.try}`);
      // Turns 1 and 2 were checkpointed before the crash and ran once; only turn 3 ran again.
      expect(calls).toEqual(['1.1', '2.1', '3.1', '3.2', '4.1', '5.1']);
      const turns = await stack.store.agentTurns.list(task.id, 1);
      expect(turns.map((t) => t.turn)).toEqual([0, 1, 2, 3, 4, 5]);
      const turn3 = turns[3]!.messages.find((m) => m.role === 'tool');
      expect(turn3?.role === 'tool' && turn3.results[0]!.output).toContain('resumed');
      expect(isRunning(orphan)).toBe(false);
      for (const file of ['a', 'b', 'c'])
        expect(await git(repo, ['show', `main:src/${file}.js`])).toContain(`export const ${file}`);
      expect(await stack.store.results.count(task.id)).toBe(1);
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
    }
  });

  it('drops the checkpoint commit of a worker killed before it stored the turn, so the retried turn acts once', async () => {
    const dir = tempDir('crash-commit');
    const reached = path.join(dir, 'turn2.reached');
    const go = path.join(dir, 'turn2.go');
    const repo = await createFixtureRepo(path.join(dir, 'repo'), nodeProjectFiles());
    const base = await git(repo, ['rev-parse', 'main']);
    const run = (command: string) => '```run\n' + command + '\n```';
    // Turn 2 appends its line, then (the first time only) waits until the test holds the database's write lock.
    const step2 = `echo step 2 >> steps.txt; if [ ! -f ${reached} ]; then touch ${reached}; while [ ! -f ${go} ]; do sleep 0.05; done; fi`;
    const description = [
      'Append three steps.',
      run('echo step 1 >> steps.txt'),
      run(step2),
      run('echo step 3 >> steps.txt'),
    ].join('\n\n');
    const subjects = async (branch: string) =>
      (await git(repo, ['log', '--reverse', '--format=%s', `${base}..${branch}`])).split('\n').filter(Boolean);
    const { database } = stack.config;
    if (database.mode !== 'local') throw new Error('this test locks the local database file');

    const first = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      env: { ...process.env, ...stack.env },
      stdio: 'ignore',
    });
    try {
      const task = await stack.client.createTask({ title: 'Killed after a checkpoint commit', description, repo });
      const handle = stack.testEnv.client.workflow.getHandle(task.workflowId);
      await expect.poll(() => existsSync(reached), { timeout: 60_000, interval: 100 }).toBe(true);
      // With the write lock held, the worker commits turn 2 and then waits to store its row: it dies there.
      const locker = createClient({ url: `file:${database.path}`, timeout: 10_000 });
      const lock = await locker.transaction('write');
      try {
        writeFileSync(go, '');
        const turn2 = `swarm(${task.id}): attempt 1, turn 2`;
        await expect
          .poll(async () => (await subjects(task.branch)).includes(turn2), { timeout: 30_000, interval: 20 })
          .toBe(true);
        first.kill('SIGKILL');
        await new Promise((resolve) => first.once('exit', resolve));
      } finally {
        await lock.rollback();
        locker.close();
      }
      expect((await stack.store.agentTurns.list(task.id, 1)).map((t) => t.turn)).toEqual([0, 1]);

      const second = await stack.createWorker();
      await second.runUntil(handle.result());

      expect(await git(repo, ['show', 'main:steps.txt'])).toBe('step 1\nstep 2\nstep 3');
      // One commit per turn that changed files (turn 4 only finishes); the dead worker's turn 2 commit is gone.
      expect(await subjects(task.branch)).toEqual(
        [1, 2, 3].map((turn) => `swarm(${task.id}): attempt 1, turn ${turn}`),
      );
      const calls = (await stack.store.modelCalls.listForTask(task.id)).map((c) => `${c.turn}.${c.try}`);
      expect(calls).toEqual(['1.1', '2.1', '2.2', '3.1', '4.1']);
      expect(await stack.store.results.get(task.id)).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        agentId: second.agentId,
      });
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
    }
  });

  it('keeps the merge queue whole when its worker dies mid-batch: nothing lost, nothing landed twice', async () => {
    const dir = tempDir('crash-queue');
    const pidFile = path.join(dir, 'queue-gate.pid');
    // The first gate the queue runs (in a temporary checkout) hangs: its worker is killed there.
    // (The baseline is collected in a checkout too, but of the base: without the tasks' files.)
    const check = `case "$PWD" in */checkout-*) if [ -f src/x.js ] || [ -f src/y.js ]; then if [ ! -f ${pidFile} ]; then echo $$ > ${pidFile}; exec sleep 300; fi; fi;; esac; exit 0`;
    const repo = await createFixtureRepo(
      path.join(dir, 'repo'),
      nodeProjectFiles({ '.swarm.json': JSON.stringify({ checks: { gate: check } }) }),
    );
    const first = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      env: { ...process.env, ...stack.env },
      stdio: 'ignore',
    });
    try {
      const tasks = await Promise.all(
        ['x', 'y'].map((name) =>
          stack.client.createTask({
            title: `Add ${name}`,
            description: writeBlock(`src/${name}.js`, `export const ${name} = 1;`),
            repo,
          }),
        ),
      );
      await expect.poll(() => existsSync(pidFile), { timeout: 60_000, interval: 200 }).toBe(true);
      const orphan = Number(readFileSync(pidFile, 'utf8'));
      const queue = stack.testEnv.client.workflow.getHandle(mergeQueueId(repo, 'main'));
      await expect.poll(() => heartbeatNames(queue, orphan), { timeout: 30_000, interval: 250 }).toBe(true);
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));

      const second = await stack.createWorker();
      const state = await second.runUntil(async () => {
        await Promise.all(tasks.map((t) => stack.testEnv.client.workflow.getHandle(t.workflowId).result()));
        return queue.query(queueStateQuery);
      });
      expect(state).toMatchObject({ entries: [], landed: 2 });
      for (const t of tasks) {
        expect(await stack.store.results.count(t.id)).toBe(1);
        expect(await stack.store.results.get(t.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
      }
      // Each task's merge commit is on main once; the orphaned gate was killed by the retry.
      const subjects = (await git(repo, ['log', '--first-parent', '--format=%s', 'main'])).split('\n');
      for (const t of tasks) expect(subjects.filter((s) => s.startsWith(`swarm: merge task ${t.id}:`))).toHaveLength(1);
      for (const name of ['x', 'y']) expect(await git(repo, ['show', `main:src/${name}.js`])).toContain(name);
      expect(isRunning(orphan)).toBe(false);
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
    }
  });
});
