import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureRepo, MUL, MUL_TEST, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));
const run = promisify(execFile);

describe('following a task from the CLI: create --wait, watch, logs', () => {
  let stack: TestStack;
  let repo: string;
  beforeAll(async () => {
    stack = await createTestStack();
    repo = await createFixtureRepo(path.join(tempDir('follow'), 'repo'), nodeProjectFiles());
  });
  afterAll(async () => {
    await stack?.teardown();
  });
  const env = () => ({ ...process.env, ...stack.env });
  const description = [writeBlock('src/mul.js', MUL), writeBlock('test/mul.test.js', MUL_TEST)].join('\n');

  it('create --wait prints the id and link first, progress lines while it runs, then the result; logs prints the attempt', async () => {
    const worker = await stack.createWorker();
    const { stdout } = await worker.runUntil(
      run(
        process.execPath,
        [SWARM_BIN, 'task', 'create', '--title', 'mul', '--description', description, '--repo', repo, '--wait'],
        {
          env: env(),
        },
      ),
    );
    const lines = stdout.split('\n');
    const id =
      /^created task (\S+) on local \(http:\/\/localhost:8233\/namespaces\/default\/workflows\/task-\1\)$/.exec(
        lines[0]!,
      )?.[1];
    expect(id, stdout).toBeDefined();
    expect(
      lines.slice(1).some((l) => /^ {2}\S+ · attempt 1\/\d/.test(l)),
      stdout,
    ).toBe(true);
    expect(stdout).toMatch(/^ {2}succeeded after 1 attempt\(s\)$/m);
    expect(stdout).toMatch(/result {6}succeeded after 1 attempt\(s\)/);

    const logs = (await run(process.execPath, [SWARM_BIN, 'task', 'logs', id!], { env: env() })).stdout;
    expect(logs).toContain('attempt 1 of 1: checks_passed');
    expect(logs).toMatch(/──── prompt ────\n[\s\S]*## Description/);
    expect(logs).toContain('[tool call write_file] {"path":"src/mul.js"');
    expect(logs).toMatch(/──── check test: \$ node --test → pass, exit 0/);
    expect(logs).toMatch(/mul multiplies/);
    await expect(
      run(process.execPath, [SWARM_BIN, 'task', 'logs', id!, '--attempt', '4'], { env: env() }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`task ${id} has no attempt 4 (attempts: 1)`),
    });
  }, 90_000);

  it('Ctrl-C during create --wait leaves the task running and says how to follow it', async () => {
    // No worker serves the queue: the task stays queued while the CLI waits.
    const child = spawn(
      process.execPath,
      [SWARM_BIN, 'task', 'create', '--title', 'waits', '--description', description, '--repo', repo, '--wait'],
      { env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await expect.poll(() => output, { timeout: 30_000, interval: 100 }).toMatch(/^ {2}queued/m);
    const id = /^created task (\S+)/.exec(output)![1]!;
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(output).toContain(`stopped watching; task ${id} keeps running. Follow it with: swarm task watch ${id}`);
    const handle = stack.testEnv.client.workflow.getHandle(`task-${id}`);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // `task watch` follows it to the end once a worker serves it.
    const worker = await stack.createWorker();
    const watched = await worker.runUntil(run(process.execPath, [SWARM_BIN, 'task', 'watch', id], { env: env() }));
    expect(watched.stdout).toMatch(new RegExp(`^task ${id} \\(http`));
    expect(watched.stdout).toMatch(/result {6}succeeded/);
  }, 90_000);
});
