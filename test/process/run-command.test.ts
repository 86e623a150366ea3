import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoundedOutput } from '../../process/bounded-output.js';
import { runCommand, type RunCommandOptions } from '../../process/run-command.js';
import { isRunning } from '../helpers/processes.js';

let dir: string;
/** Every pid a test saw, so a failing test cannot leave a `sleep 300` behind. */
const spawned: number[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'run-command-test-'));
});

/** The command line of a live process, or null; guards the cleanup against a pid the OS has reused. */
function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return null;
  }
}

afterAll(async () => {
  for (const pid of spawned) {
    if (isRunning(pid) && commandLine(pid) === 'sleep 300') process.kill(pid, 'SIGKILL');
  }
  await rm(dir, { recursive: true, force: true });
});

const run = (command: string, overrides: Partial<RunCommandOptions> = {}) =>
  runCommand({ cwd: dir, command, timeoutMs: 10_000, outputLimitBytes: 64 * 1024, ...overrides });

let pidFiles = 0;
/** A fresh file for a command to write a grandchild's pid into. */
const pidFile = () => path.join(dir, `grandchild-${++pidFiles}.pid`);

function readPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  expect(Number.isInteger(pid) && pid > 0, `pid file ${file} holds a pid`).toBe(true);
  spawned.push(pid);
  return pid;
}

async function waitForFile(file: string): Promise<void> {
  await expect
    .poll(() => existsSync(file) && readFileSync(file, 'utf8').trim() !== '', { timeout: 5_000, interval: 20 })
    .toBe(true);
}

const expectGone = (pid: number) => expect.poll(() => isRunning(pid), { timeout: 5_000, interval: 25 }).toBe(false);

describe('runCommand', () => {
  it('reports a zero exit code and the output of a successful command', async () => {
    const result = await run('echo hello');
    expect(result).toMatchObject({
      exitCode: 0,
      signal: null,
      timedOut: false,
      cancelled: false,
      output: 'hello\n',
      outputTruncated: false,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a non-zero exit code', async () => {
    const result = await run('echo failing; exit 3');
    expect(result.exitCode).toBe(3);
    expect(result.signal).toBeNull();
    expect(result.timedOut).toBe(false);
    expect(result.output).toBe('failing\n');
  });

  it('interleaves stdout and stderr in the order they were written', async () => {
    const result = await run(
      'echo out-1; sleep 0.05; echo err-1 >&2; sleep 0.05; echo out-2; sleep 0.05; echo err-2 >&2',
    );
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe('out-1\nerr-1\nout-2\nerr-2\n');
  });

  it('runs in cwd with the given env', async () => {
    const result = await run('pwd; echo "$SWARM_TEST_VALUE"', {
      env: { ...process.env, SWARM_TEST_VALUE: 'from-env' },
    });
    expect(result.output).toBe(`${dir}\nfrom-env\n`);
  });

  it('bounds the output to the limit, keeping the head and the tail with an omitted marker', async () => {
    // 5 + 10_000 + 3 = 10_008 bytes against a 1_000 byte limit: 250 bytes of head, 750 of tail.
    const result = await run("printf START; head -c 10000 /dev/zero | tr '\\0' x; printf END", {
      outputLimitBytes: 1_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputTruncated).toBe(true);
    const marker = '\n… [9008 bytes omitted] …\n';
    expect(result.output).toContain(marker);
    const [head, tail] = result.output.split(marker) as [string, string];
    expect(head).toBe('START' + 'x'.repeat(245));
    expect(tail).toBe('x'.repeat(747) + 'END');
  });

  it('does not mark output under the limit as truncated', async () => {
    const result = await run("head -c 1000 /dev/zero | tr '\\0' y", { outputLimitBytes: 1_000 });
    expect(result.outputTruncated).toBe(false);
    expect(result.output).toBe('y'.repeat(1000));
  });

  it('passes the shell pid to onStart', async () => {
    const pids: number[] = [];
    const result = await run('echo $$', { onStart: (pid) => pids.push(pid) });
    expect(pids).toHaveLength(1);
    expect(result.output.trim()).toBe(String(pids[0]));
  });

  it('runs the command as the leader of its own process group', async () => {
    // Field 5 of /proc/<pid>/stat is the process group id.
    const result = await run("echo $$; cut -d ' ' -f 5 /proc/$$/stat");
    const [pid, pgid] = result.output.trim().split('\n');
    expect(pgid).toBe(pid);
    expect(Number(pgid)).not.toBe(process.pid);
  });

  it('on timeout kills the whole process group, including a grandchild', async () => {
    const file = pidFile();
    const started = Date.now();
    const result = await run(`sleep 300 & echo $! > ${file}; wait`, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.timedOut).toBe(true);
    expect(result.cancelled).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    await expectGone(readPid(file));
  });

  it('sends the first SIGTERM to the whole group, not only to the shell', async () => {
    const file = pidFile();
    // The shell ignores SIGTERM but its already started child does not: only a group-wide SIGTERM ends
    // the child before the (long) grace period, after which `wait` returns and the shell exits by itself.
    const result = await run(`sleep 300 & echo $! > ${file}; trap '' TERM; wait; echo shell-survived`, {
      timeoutMs: 200,
      killGraceMs: 60_000,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBeNull();
    expect(result.output).toBe('shell-survived\n');
    expect(result.durationMs).toBeLessThan(5_000);
    await expectGone(readPid(file));
  });

  it('escalates to SIGKILL after the grace period when the group ignores SIGTERM', async () => {
    const file = pidFile();
    // An ignored signal stays ignored in the background child, so only SIGKILL ends either process.
    const result = await run(`trap '' TERM; sleep 300 & echo $! > ${file}; wait`, { timeoutMs: 200, killGraceMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    await expectGone(readPid(file));
  });

  it('on abort kills the whole process group and reports cancelled', async () => {
    const file = pidFile();
    const controller = new AbortController();
    const pending = run(`sleep 300 & echo $! > ${file}; wait`, { signal: controller.signal });
    await waitForFile(file);
    const grandchild = readPid(file);
    expect(isRunning(grandchild)).toBe(true);
    controller.abort();
    const result = await pending;
    expect(result.cancelled).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.durationMs).toBeLessThan(5_000);
    await expectGone(grandchild);
  });

  it('does not start the command when the signal is already aborted', async () => {
    const marker = path.join(dir, 'should-not-exist');
    const controller = new AbortController();
    controller.abort();
    let startedPid: number | undefined;
    const result = await run(`touch ${marker}`, { signal: controller.signal, onStart: (pid) => (startedPid = pid) });
    expect(result).toMatchObject({ cancelled: true, exitCode: null, output: '' });
    expect(startedPid).toBeUndefined();
    // Give a (wrongly) spawned shell time to run before asserting it never did.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(marker)).toBe(false);
  });

  it('kills a background grandchild left running when the shell exits normally', async () => {
    const file = pidFile();
    const started = Date.now();
    // The grandchild keeps the output pipes open: without the group kill on exit this would wait 300 s.
    const result = await run(`sleep 300 & echo $! > ${file}; echo done`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.exitCode).toBe(0);
    expect(result.timedOut).toBe(false);
    expect(result.output).toBe('done\n');
    await expectGone(readPid(file));
  });

  it('kills a detached-output grandchild left running when the shell exits normally', async () => {
    const file = pidFile();
    const result = await run(`sleep 300 >/dev/null 2>&1 & echo $! > ${file}`);
    expect(result.exitCode).toBe(0);
    await expectGone(readPid(file));
  });

  it('rejects with an error naming the command when cwd does not exist', async () => {
    const missing = path.join(dir, 'no', 'such', 'dir');
    await expect(run('echo never', { cwd: missing })).rejects.toThrow(`cannot run "echo never" in ${missing}`);
  });
});

describe('BoundedOutput', () => {
  it('keeps everything up to the limit, across chunks', () => {
    const out = new BoundedOutput(16);
    out.push(Buffer.from('abcdef'));
    out.push(Buffer.from('ghijklmnop'));
    expect(out.truncated).toBe(false);
    expect(out.toString()).toBe('abcdefghijklmnop');
  });

  it('keeps the first quarter and the last three quarters when over the limit', () => {
    const out = new BoundedOutput(8); // 2 bytes of head, 6 of tail
    for (const chunk of ['abc', 'def', 'ghi', 'jkl']) out.push(Buffer.from(chunk));
    expect(out.truncated).toBe(true);
    expect(out.toString()).toBe('ab\n… [4 bytes omitted] …\ngh' + 'ijkl');
  });

  it('drops whole and partial tail chunks and counts every dropped byte', () => {
    const out = new BoundedOutput(4); // 1 byte of head, 3 of tail
    out.push(Buffer.from('H'));
    out.push(Buffer.from('1234567'));
    out.push(Buffer.from('89'));
    out.push(Buffer.from('X'));
    expect(out.toString()).toBe('H\n… [7 bytes omitted] …\n89X');
  });
});
