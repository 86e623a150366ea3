import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { isRunning } from '../helpers/processes.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));

describe('a worker SIGKILLed in the middle of a long activity', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('is replaced by a second worker that finishes the task with exactly one result', async () => {
    const dir = tempDir('crash');
    const firstRunPid = path.join(dir, 'first-run.pid');
    // The first run of the check hangs (it is running when its worker dies); the retry passes.
    const check = `if [ -f ${firstRunPid} ]; then echo second run; exit 0; fi; echo $$ > ${firstRunPid}; exec sleep 300`;
    const repo = await createFixtureRepo(path.join(dir, 'repo'), nodeProjectFiles({ '.swarm.json': JSON.stringify({ checks: { slow: check } }) }));

    const first = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      env: { ...process.env, ...stack.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let firstStderr = '';
    first.stderr.on('data', (chunk: Buffer) => (firstStderr += chunk.toString()));
    try {
      const task = await stack.client.createTask({ title: 'Survive a crash', description: writeBlock('src/mul.js', 'export const mul = (a, b) => a * b;'), repo });
      await expect.poll(() => existsSync(firstRunPid), { timeout: 60_000, interval: 200 }).toBe(true);
      const agentsBefore = await stack.store.agents.list();
      expect(agentsBefore.map((a) => a.pid)).toContain(first.pid);

      const orphan = Number(readFileSync(firstRunPid, 'utf8'));
      // Kill only once the server holds a heartbeat naming the running check's process group.
      const handle = stack.testEnv.client.workflow.getHandle(task.workflowId);
      const heartbeatNamesPid = async () => {
        const { raw } = await handle.describe();
        return (raw.pendingActivities ?? []).some((a) =>
          (a.heartbeatDetails?.payloads ?? []).some((p) => Buffer.from(p.data ?? []).toString().includes(`"pid":${orphan}`)),
        );
      };
      await expect.poll(heartbeatNamesPid, { timeout: 30_000, interval: 250 }).toBe(true);
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      expect(isRunning(orphan)).toBe(true);

      const second = await stack.createWorker();
      await second.runUntil(handle.result());

      expect(await stack.store.results.count(task.id)).toBe(1);
      expect(await stack.store.results.get(task.id)).toMatchObject({ status: 'succeeded', attempts: 1, agentId: second.agentId });
      expect(await stack.store.attempts.listForTask(task.id)).toHaveLength(1);
      const runs = await stack.store.checkRuns.list(task.id);
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
});
