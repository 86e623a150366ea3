import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliContext } from '../../client/cli-context.js';
import type { CliIo } from '../../client/cli-io.js';
import { buildProgram } from '../../client/program.js';
import { runCli } from '../../client/run-cli.js';
import { freePort } from '../../client/temporal-dev-server.js';
import { tempDir, testProcessEnv } from '../helpers/test-env.js';

const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

/** An io writing into strings, with a private swarm home as both SWARM_HOME and working directory. */
function captureIo(env: Record<string, string> = {}) {
  const home = tempDir('cli-home');
  homes.push(home);
  const captured = { stdout: '', stderr: '' };
  const io: CliIo = {
    writeOut: (text) => void (captured.stdout += text),
    writeErr: (text) => void (captured.stderr += text),
    env: testProcessEnv(home, env),
    cwd: home,
  };
  return { home, io, captured };
}

/** Runs `swarm <args>` in this process. */
async function swarm(args: string[], env: Record<string, string> = {}) {
  const { home, io, captured } = captureIo(env);
  const code = await runCli(args, io);
  return { code, home, ...captured };
}

describe('the swarm program, in process', () => {
  it('is built without parsing, reading configuration or writing anything', () => {
    const { io, captured } = captureIo({ SWARM_DB_MODE: 'cloud' });
    const program = buildProgram(new CliContext(io));
    expect(program.name()).toBe('swarm');
    expect(program.commands.map((c) => c.name())).toEqual([
      'start',
      'server',
      'worker',
      'demo',
      'task',
      'plan',
      'memory',
      'quality',
      'queue',
      'status',
      'agents',
      'workers',
      'db',
      'sync',
      'dashboard',
    ]);
    expect(captured).toEqual({ stdout: '', stderr: '' });
  });

  it('has every command the README lists', () => {
    const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const listed = [...readme.matchAll(/npm run swarm -- ([a-z]+(?: [a-z]+)*)/g)].map((m) => m[1]!.split(' '));
    expect(listed.length).toBeGreaterThan(10);
    for (const words of listed) {
      // Walk down the listed words (those after the command path are its arguments) to a runnable command.
      let command = buildProgram();
      for (const word of words) command = command.commands.find((c) => c.name() === word) ?? command;
      expect(command.name(), `README: npm run swarm -- ${words.join(' ')}`).not.toBe('swarm');
      expect(command.commands, `README: npm run swarm -- ${words.join(' ')}`).toEqual([]);
    }
  });

  it('prints help to stdout with exit code 0, and to stderr with exit code 2 when no command is given', async () => {
    const help = await swarm(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: swarm \[options\] \[command\]/);
    expect(help.stdout).toMatch(/task\s+create and inspect tasks/);
    const none = await swarm([]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toMatch(/^Usage: swarm/);
  });

  it('refuses a task without a description with exit code 2 and one line, writing nothing', async () => {
    const noDescription = await swarm(['task', 'create', '--title', 't']);
    expect(noDescription).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'swarm: a description is needed: --description or --description-file\n',
    });
    const both = await swarm(['task', 'create', '--title', 't', '--description', 'd', '--description-file', 'd.md']);
    expect(both).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'swarm: give --description or --description-file, not both\n',
    });
    const missingFile = await swarm(['task', 'create', '--title', 't', '--description-file', '/nonexistent/d.md']);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toMatch(/^swarm: cannot read --description-file: ENOENT[^\n]*\n$/);
  });

  it('refuses a bad option value with exit code 2 and commander’s message, on one line', async () => {
    const badPriority = await swarm(['task', 'create', '--title', 't', '--description', 'd', '--priority', 'urgent']);
    expect(badPriority).toMatchObject({ code: 2, stdout: '' });
    expect(badPriority.stderr).toBe(
      "swarm: option '--priority <level>' argument 'urgent' is invalid. Allowed choices are low, medium, high, critical. (run with --help for usage)\n",
    );
    // Nested subcommands behave like the others (before the split, these three exited 1 without the hint).
    for (const args of [
      ['agents', 'list'],
      ['server', 'stop'],
      ['quality', 'baseline', 'set'],
    ]) {
      const unknown = await swarm([...args, '--bogus']);
      expect(unknown, args.join(' ')).toMatchObject({
        code: 2,
        stdout: '',
        stderr: "swarm: unknown option '--bogus' (run with --help for usage)\n",
      });
    }
  });

  it('refuses a bad configuration with exit code 2 and one line', async () => {
    const badEnv = await swarm(['task', 'list'], { SWARM_DB_MODE: 'cloud' });
    expect(badEnv).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'swarm: SWARM_DB_MODE must be local, remote or replica, got "cloud"\n',
    });
    const unknownModel = await swarm(['start', '--models', 'local,gpt']);
    expect(unknownModel).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'swarm: unknown model type(s): gpt (configured: local)\n',
    });
    const missingProfileFile = await swarm(['task', 'list'], {
      TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml',
      TEMPORAL_PROFILE: 'prod',
    });
    expect(missingProfileFile).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'swarm: TEMPORAL_CONFIG_FILE points to /nonexistent/temporal.toml, which does not exist\n',
    });
  });

  it('lists tasks of a fresh database without Temporal', async () => {
    const text = await swarm(['task', 'list'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(text).toMatchObject({ code: 0, stderr: '', stdout: 'no tasks yet (create one with "swarm task create")\n' });
    const json = await swarm(['task', 'list', '--json']);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('reports other failures with exit code 1 as errors, naming what failed', async () => {
    const port = await freePort();
    const noDatabase = await swarm(['task', 'list'], { TURSO_DATABASE_URL: `http://127.0.0.1:${port}` });
    expect(noDatabase).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `swarm: error: cannot reach the database at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    });
  });

  it('refuses a home or database path it cannot create as a configuration error (exit 2)', async () => {
    const noHome = await swarm(['task', 'list'], { SWARM_HOME: '/dev/null/home' });
    expect(noHome).toMatchObject({ code: 2, stdout: '' });
    expect(noHome.stderr).toMatch(
      /^swarm: invalid configuration: home: SWARM_HOME must not be under \/proc, \/sys, \/dev[^\n]*\n$/,
    );
    const file = path.join(tempDir('cli-file'), 'plain');
    writeFileSync(file, 'x');
    const underFile = await swarm(['task', 'list'], { SWARM_DB_PATH: path.join(file, 'db', 'data.db') });
    expect(underFile).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `swarm: SWARM_DB_PATH ${path.join(file, 'db', 'data.db')}: its directory cannot be created, because ${file} is not a directory\n`,
    });
  });
});
