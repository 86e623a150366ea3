import { execFile } from 'node:child_process';
import { openSync, closeSync, writeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startSqld } from '../helpers/sqld.js';
import { tempDir, testProcessEnv } from '../helpers/test-env.js';
import { runCliCaptured } from '../helpers/captured-cli.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function dir(prefix: string): string {
  const made = tempDir(prefix);
  dirs.push(made);
  return made;
}

/** The real `swarm` entry point as its own process, killed if it outlives `killAfterMs`. */
function swarmProcess(args: string[], env: Record<string, string>, killAfterMs: number) {
  const started = Date.now();
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
    execFile(
      process.execPath,
      [SWARM_BIN, ...args],
      { env: { ...process.env, ...env }, timeout: killAfterMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

async function swarmInProcess(args: string[], env: Record<string, string>) {
  const home = dir('unhealthy-home');
  return runCliCaptured(args, testProcessEnv(home, env), home);
}

describe('the CLI against an unhealthy database', () => {
  it('gives up on a stopped sqld (SIGSTOP) within SWARM_CLI_TIMEOUT_SECONDS, with one line naming its URL', async () => {
    const sqld = await startSqld(dir('sqld-stopped'));
    try {
      const env = testProcessEnv(dir('stopped-home'), { TURSO_DATABASE_URL: sqld.url, SWARM_CLI_TIMEOUT_SECONDS: '2' });
      // The schema is made while sqld answers, so what hangs below is a plain read.
      expect((await swarmProcess(['task', 'list'], env, 60_000)).code).toBe(0);
      sqld.process.kill('SIGSTOP');
      const listed = await swarmProcess(['task', 'list'], env, 30_000);
      expect(listed.stderr).toBe(
        `swarm: error: the database at ${sqld.url} did not answer within 2 s (SWARM_CLI_TIMEOUT_SECONDS)\n`,
      );
      expect(listed.code).toBe(1);
      // 2 s of waiting plus starting node and tsx, on a busy machine; it hung forever before.
      expect(listed.ms).toBeLessThan(15_000);
      const status = await swarmProcess(['status'], env, 30_000);
      expect(status.stderr).toMatch(new RegExp(`^swarm: error: the database at ${sqld.url} did not answer within 2 s`));
    } finally {
      sqld.process.kill('SIGCONT');
      sqld.process.kill('SIGKILL');
    }
  });

  it('names the URL of a sqld that is down', async () => {
    const sqld = await startSqld(dir('sqld-down'));
    sqld.process.kill('SIGKILL');
    await new Promise((resolve) => sqld.process.once('exit', resolve));
    const listed = await swarmInProcess(['task', 'list'], { TURSO_DATABASE_URL: sqld.url });
    expect(listed.code).toBe(1);
    expect(listed.stderr).toMatch(
      new RegExp(`^swarm: error: cannot reach the database at ${sqld.url}: connect ECONNREFUSED [^\\n]+\\n$`),
    );
  });

  it('names the file of a corrupt local database', async () => {
    const home = dir('corrupt');
    const file = path.join(home, 'data.db');
    // Made by its own process: its exit checkpoints the WAL into the file (a close in this process leaves it aside).
    expect((await swarmProcess(['task', 'list'], testProcessEnv(home, { SWARM_DB_PATH: file }), 60_000)).code).toBe(0);
    // Keep the 100-byte header, overwrite the rest of page 1 (the schema) and some of page 2.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(6000, 0xa5), 0, 6000, 100);
    closeSync(fd);
    const listed = await swarmInProcess(['task', 'list'], { SWARM_DB_PATH: file });
    expect(listed.stderr).toMatch(
      new RegExp(
        `^swarm: error: the database file ${file} is corrupt or not a libSQL database \\(SQLITE_CORRUPT\\w*\\)[^\\n]*\\n$`,
      ),
    );
    expect(listed.code).toBe(1);
    const noDb = path.join(home, 'random.db');
    const fdRandom = openSync(noDb, 'w');
    writeSync(fdRandom, Buffer.alloc(8192, 0x5a));
    closeSync(fdRandom);
    const random = await swarmInProcess(['task', 'list'], { SWARM_DB_PATH: noDb });
    expect(random.stderr).toMatch(
      new RegExp(`^swarm: error: the database file ${noDb} is corrupt or not a libSQL database \\(SQLITE_NOTADB\\)`),
    );
  });

  it('refuses a database path that is a directory, a device or under /proc as configuration (exit 2), at once', async () => {
    const home = dir('paths');
    const started = Date.now();
    for (const [value, message] of [
      [home, `swarm: SWARM_DB_PATH ${home} is a directory, not a database file\n`],
      [
        '/proc/self/swarm/data.db',
        'swarm: invalid configuration: database.path: SWARM_DB_PATH must not be under /proc, /sys, /dev (kernel pseudo-filesystems)\n',
      ],
      [
        '/dev/null',
        'swarm: invalid configuration: database.path: SWARM_DB_PATH must not be under /proc, /sys, /dev (kernel pseudo-filesystems)\n',
      ],
    ]) {
      expect(await swarmInProcess(['task', 'list'], { SWARM_DB_PATH: value! }), value).toMatchObject({
        code: 2,
        stdout: '',
        stderr: message,
      });
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
