import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../process/run-command.js';
import type { SandboxKind, SandboxLimits } from '../../process/sandbox.js';
import { findProcesses } from '../helpers/processes.js';
import { createSandboxFixture, SECRET, type SandboxFixture } from '../helpers/sandbox-fixture.js';
import { tempDir } from '../helpers/test-env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER_COMMAND = path.join(ROOT, 'test/fixtures/sandbox/worker-command.ts');
const execFileAsync = promisify(execFile);

let fixture: SandboxFixture;
let server: Server;
let port: number;
/** Processes a `none` test leaves running on purpose (that is the point); killed at the end. */
const strays: number[] = [];
let unique = 0;
const marker = () => `${process.pid}${++unique}`;

beforeAll(async () => {
  fixture = await createSandboxFixture(tempDir('sandbox'));
  // What a sandbox must not reach: the database, another task's worktree.
  await writeFile(path.join(fixture.swarmHome, 'data.db'), 'the database');
  await mkdir(path.join(fixture.swarmHome, 'worktrees', 'task-2'), { recursive: true });
  await writeFile(path.join(fixture.swarmHome, 'worktrees', 'task-2', 'other.txt'), 'another task');
  server = createServer((socket) => socket.end('hello from the host\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await new Promise((resolve) => server?.close(resolve));
  if (fixture) rmSync(fixture.root, { recursive: true, force: true });
});

async function run(
  kind: SandboxKind,
  command: string,
  options: { network?: boolean; limits?: Partial<SandboxLimits>; timeoutMs?: number; signal?: AbortSignal } = {},
) {
  const sandbox = await fixture.sandboxOf(kind, options);
  return runCommand({
    cwd: sandbox.worktree,
    command,
    sandbox,
    timeoutMs: options.timeoutMs ?? 30_000,
    outputLimitBytes: 256 * 1024,
    signal: options.signal,
  });
}

/** Runs `command` from a separate worker process whose own environment, from its start, holds the secret. */
async function runFromWorker(kind: SandboxKind, command: string): Promise<string> {
  const input = JSON.stringify({
    kind,
    swarmHome: fixture.swarmHome,
    worktree: fixture.worktree,
    repo: fixture.repo,
    command,
  });
  const { stdout } = await execFileAsync(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), WORKER_COMMAND, input], {
    cwd: ROOT,
    env: { ...process.env, OPENAI_API_KEY: SECRET },
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return stdout;
}

const connectTo = (p: number) =>
  `node -e "require('net').connect(${p}, '127.0.0.1').on('data', (d) => { console.log('reached: ' + d); process.exit(0) }).on('error', (e) => { console.log('unreachable: ' + e.code); process.exit(1) })"`;

// Each behaviour runs twice: contained in bubblewrap, and with `none`, which shows that the same
// command really does reach the thing without the sandbox (so the test would fail without it).
describe.each(['bubblewrap', 'none'] as const)('a command with sandbox %s', (kind) => {
  const contained = kind === 'bubblewrap';

  it(
    contained
      ? "cannot see the worker's environment, through env or /proc"
      : "sees the worker's environment through /proc",
    async () => {
      const output = await runFromWorker(
        kind,
        'env; tr "\\0" "\\n" < /proc/1/environ; tr "\\0" "\\n" < /proc/$PPID/environ; echo done',
      );
      expect(output).toContain('done');
      expect(output).toContain('CI=true');
      if (contained) expect(output).not.toContain(SECRET);
      else expect(output).toContain(`OPENAI_API_KEY=${SECRET}`);
    },
  );

  it(
    contained
      ? 'writes /tmp into its own scratch dir and cannot write to the user repository'
      : 'writes to the host /tmp and the user repository',
    async () => {
      const name = `jetpack-sandbox-tmp-${marker()}`;
      const hostTmpFile = path.join(tmpdir(), name);
      try {
        const result = await run(
          kind,
          `echo scratch > /tmp/${name}; echo owned > ${fixture.repo}/owned.txt; echo hook >> ${fixture.repo}/.git/config; echo end`,
        );
        expect(result.output).toContain('end');
        const sandbox = await fixture.sandboxOf(kind);
        expect(existsSync(hostTmpFile)).toBe(!contained);
        expect(existsSync(path.join(sandbox.scratchDir, name))).toBe(contained);
        expect(existsSync(path.join(fixture.repo, 'owned.txt'))).toBe(!contained);
        expect(readFileSync(path.join(fixture.repo, '.git', 'config'), 'utf8').includes('hook')).toBe(!contained);
        if (contained) expect(result.output).toMatch(/Read-only file system/);
      } finally {
        rmSync(hostTmpFile, { force: true });
        rmSync(path.join(fixture.repo, 'owned.txt'), { force: true });
      }
    },
  );

  it(
    contained
      ? 'cannot read the database or another task’s worktree in SWARM_HOME'
      : 'reads the database and another task’s worktree',
    async () => {
      const result = await run(
        kind,
        `cat ${fixture.swarmHome}/data.db; cat ${fixture.swarmHome}/worktrees/task-2/other.txt; echo end`,
      );
      expect(result.output).toContain('end');
      expect(result.output.includes('the database')).toBe(!contained);
      expect(result.output.includes('another task')).toBe(!contained);
    },
  );

  it(
    contained ? 'cannot reach a server on the host’s 127.0.0.1' : 'reaches a server on the host’s 127.0.0.1',
    async () => {
      const result = await run(kind, connectTo(port));
      expect(result.output).toContain(contained ? 'unreachable: ECONNREFUSED' : 'reached: hello from the host');
    },
  );

  it(contained ? 'leaves no setsid background loop behind' : 'leaves a setsid background loop running', async () => {
    const tag = marker();
    const result = await run(
      kind,
      `setsid sh -c 'while :; do sleep 1; done; echo ${tag}' > /dev/null 2>&1 & sleep 0.5; echo started`,
    );
    expect(result.output).toContain('started');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const survivors = findProcesses(`echo ${tag}`);
    strays.push(...survivors);
    expect(survivors.length > 0).toBe(!contained);
  });

  it(contained ? 'stops a write beyond the file-size limit' : 'writes a file of any size', async () => {
    const result = await run(kind, 'head -c 3000000 /dev/zero > big.bin; echo end', { limits: { fileSizeMb: 1 } });
    expect(result.output).toContain('end');
    const size = statSync(path.join(fixture.worktree, 'big.bin')).size;
    rmSync(path.join(fixture.worktree, 'big.bin'));
    expect(size).toBe(contained ? 1024 * 1024 : 3_000_000);
  });
});

describe('a bubblewrap sandbox', () => {
  it('has a writable worktree in which git works, but cannot move the repository’s branches', async () => {
    const result = await run(
      'bubblewrap',
      [
        'echo new > new.txt',
        'git status --porcelain',
        'git rev-parse --abbrev-ref HEAD',
        'git update-ref refs/heads/main HEAD~0 2>&1 || echo "update-ref failed"',
      ].join('; '),
    );
    rmSync(path.join(fixture.worktree, 'new.txt'));
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('?? new.txt');
    expect(result.output).toContain('swarm/task-1');
    expect(result.output).toContain('update-ref failed');
  });

  it('reports a command killed by its limits by the signal, as an unconfined one is', async () => {
    const result = await run('bubblewrap', 'exec head -c 3000000 /dev/zero > big.bin', { limits: { fileSizeMb: 1 } });
    rmSync(path.join(fixture.worktree, 'big.bin'));
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGXFSZ' });
  });

  it('reaches the host network when its policy allows it', async () => {
    const result = await run('bubblewrap', connectTo(port), { network: true });
    expect(result.output).toContain('reached: hello from the host');
  });

  it('runs as HOME the task’s own home, with TMPDIR=/tmp, and cannot see the worker’s HOME', async () => {
    const sandbox = await fixture.sandboxOf('bubblewrap');
    const result = await run('bubblewrap', `echo "$HOME $TMPDIR"; ls -A ${process.env.HOME ?? '/root'} | wc -l`);
    expect(result.output.split('\n')).toEqual([`${sandbox.homeDir} /tmp`, '0', '']);
  });

  it('times out and is cancelled like any command, leaving nothing running', async () => {
    const tag = marker();
    const timedOut = await run('bubblewrap', `sleep 30 && echo ${tag}`, { timeoutMs: 300 });
    expect(timedOut).toMatchObject({ timedOut: true });
    const controller = new AbortController();
    const cancelled = run('bubblewrap', `setsid sh -c 'sleep 40; echo ${tag}-bg' & sleep 41 && echo ${tag}`, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 300);
    expect(await cancelled).toMatchObject({ cancelled: true });
    await expect.poll(() => findProcesses(`echo ${tag}`).length, { timeout: 5_000 }).toBe(0);
  });
});

describe('a worker SIGKILLed while its command runs', () => {
  it.each(['bubblewrap', 'none'] as const)('with sandbox %s', async (kind) => {
    const tag = `${marker()}.5`;
    const input = JSON.stringify({
      kind,
      swarmHome: fixture.swarmHome,
      worktree: fixture.worktree,
      repo: fixture.repo,
      command: `sleep ${tag}`,
    });
    const worker = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), WORKER_COMMAND, input], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    await expect
      .poll(() => findProcesses(`sleep ${tag}`, { exact: true }).length, { timeout: 20_000, interval: 50 })
      .toBe(1);
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    if (kind === 'bubblewrap') {
      // bwrap dies with its parent, and the PID namespace with bwrap.
      await expect.poll(() => findProcesses(`sleep ${tag}`, { exact: true }).length, { timeout: 5_000 }).toBe(0);
    } else {
      // Unconfined, the orphan outlives its worker (the next try kills it from the heartbeat's pid).
      await new Promise((resolve) => setTimeout(resolve, 300));
      const orphans = findProcesses(`sleep ${tag}`, { exact: true });
      strays.push(...orphans);
      expect(orphans).toHaveLength(1);
    }
  });
});
