import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseHostPort } from '../../config/bounds.js';
import { ConfigError, loadConfig } from '../../config/config.js';

const root = mkdtempSync(path.join(tmpdir(), 'config-bounds-'));
let cwd: string;
let dirs = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  cwd = path.join(root, `cwd-${++dirs}`);
  mkdirSync(cwd);
});

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error(`expected loadConfig to refuse ${JSON.stringify(env)}`);
}

describe('every numeric and address setting is bounded to what the runtime can represent', () => {
  it.each(['2147484', '1e12', '1e309', 'NaN', '0', '-5', '1.5'])(
    'refuses SWARM_CHECK_TIMEOUT_SECONDS=%s (Node timers stop at 2^31-1 ms)',
    (value) => {
      expect(configError({ SWARM_CHECK_TIMEOUT_SECONDS: value })).toContain('SWARM_CHECK_TIMEOUT_SECONDS');
    },
  );

  it('accepts the largest check timeout a timer can hold', () => {
    expect(loadConfig({ SWARM_CHECK_TIMEOUT_SECONDS: '2147483' }, cwd).checks.timeoutSeconds).toBe(2_147_483);
  });

  it('has a CLI timeout: 15 s by default, SWARM_CLI_TIMEOUT_SECONDS or cli.timeoutSeconds in the file, bounded', () => {
    expect(loadConfig({}, cwd).cliTimeoutSeconds).toBe(15);
    expect(loadConfig({ SWARM_CLI_TIMEOUT_SECONDS: '2.5' }, cwd).cliTimeoutSeconds).toBe(2.5);
    writeFileSync(path.join(cwd, 'swarm.config.json'), JSON.stringify({ cli: { timeoutSeconds: 30 } }));
    expect(loadConfig({}, cwd).cliTimeoutSeconds).toBe(30);
    for (const value of ['0', '-1', 'abc', '3000000', '1e309'])
      expect(configError({ SWARM_CLI_TIMEOUT_SECONDS: value })).toContain('SWARM_CLI_TIMEOUT_SECONDS');
  });

  it.each(['3', '0', '7', '8193', '1.5', '65536'])(
    'refuses SWARM_EMBEDDING_DIMENSIONS=%s (the embedders make 8 to 8192)',
    (value) => {
      expect(configError({ SWARM_EMBEDDING_DIMENSIONS: value })).toContain('SWARM_EMBEDDING_DIMENSIONS');
    },
  );

  it('accepts 8 and 8192 embedding dimensions', () => {
    expect(loadConfig({ SWARM_EMBEDDING_DIMENSIONS: '8' }, cwd).embeddingDimensions).toBe(8);
    expect(loadConfig({ SWARM_EMBEDDING_DIMENSIONS: '8192' }, cwd).embeddingDimensions).toBe(8192);
  });

  it.each([
    'localhost:99999',
    'localhost:0',
    'localhost:65536',
    'localhost:-1',
    ':7233',
    'host:',
    '[::1]',
    '::1:7233',
    '[zz]:7233',
    '[fe80::1%eth0]:7233',
    'a b:7233',
    'http://host:7233',
  ])('refuses TEMPORAL_ADDRESS=%s', (value) => {
    expect(configError({ TEMPORAL_ADDRESS: value })).toContain(
      'TEMPORAL_ADDRESS must be host:port or [ipv6]:port with a port from 1 to 65535',
    );
  });

  it('accepts bracketed IPv6 addresses and the extreme ports', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '[::1]:7233' }, cwd).temporal.address).toBe('[::1]:7233');
    expect(loadConfig({ TEMPORAL_ADDRESS: '[2001:db8::1]:1' }, cwd).temporal.address).toBe('[2001:db8::1]:1');
    expect(loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:65535' }, cwd).temporal.address).toBe(
      'temporal.internal:65535',
    );
    expect(parseHostPort('[::1]:7233')).toEqual({ host: '::1', port: 7233 });
    expect(parseHostPort('localhost:7233')).toEqual({ host: 'localhost', port: 7233 });
  });

  it.each([
    [{ TEMPORAL_UI_URL: 'javascript:alert(1)' }, 'TEMPORAL_UI_URL'],
    [{ TEMPORAL_UI_URL: 'http://localhost:99999' }, 'TEMPORAL_UI_URL'],
    [{ TURSO_DATABASE_URL: 'http://' }, 'TURSO_DATABASE_URL'],
    [{ TURSO_DATABASE_URL: 'libsql://db.example:70000' }, 'TURSO_DATABASE_URL'],
    [{ SWARM_EMBEDDING_BASE_URL: 'ftp://models.example' }, 'SWARM_EMBEDDING_BASE_URL'],
    [{ SWARM_EMBEDDER: 'word2vec' }, 'SWARM_EMBEDDER must be offline, openai or gemini'],
    [
      { SWARM_DB_MODE: 'replica', TURSO_DATABASE_URL: 'libsql://x.example', TURSO_SYNC_INTERVAL: '3000000' },
      'TURSO_SYNC_INTERVAL',
    ],
  ])('refuses %j, naming the variable', (env, named) => {
    expect(configError(env)).toContain(named);
  });

  it.each(['/proc/self/data.db', '/sys/swarm.db', '/dev/null/data.db', '/dev/data.db'])(
    'refuses SWARM_DB_PATH=%s under a pseudo-filesystem',
    (value) => {
      expect(configError({ SWARM_DB_PATH: value })).toContain('SWARM_DB_PATH must not be under /proc, /sys, /dev');
    },
  );

  it('refuses SWARM_HOME under /dev (its database and worktrees would be there), but not /dev/shm', () => {
    expect(configError({ SWARM_HOME: '/dev/null/home' })).toContain('SWARM_HOME must not be under');
    expect(loadConfig({ SWARM_HOME: '/dev/shm/swarm' }, cwd).database).toEqual({
      mode: 'local',
      path: '/dev/shm/swarm/data.db',
    });
  });
});

describe('the config file', () => {
  const write = (content: string | Buffer) => writeFileSync(path.join(cwd, 'swarm.config.json'), content);

  it('names a model type called __proto__ instead of losing it', () => {
    write('{"models":{"__proto__":{"adapter":"local"}}}');
    expect(configError({})).toContain('models.__proto__: "__proto__" is not allowed as a name');
  });

  it.each([
    ['/dev/zero', 'is a character device, not a regular file'],
    ['/dev/null', 'is a character device, not a regular file'],
    ['/', 'is a directory, not a regular file'],
  ])('refuses SWARM_CONFIG=%s at once', (file, reason) => {
    expect(configError({ SWARM_CONFIG: file })).toContain(`cannot read config file ${file}: ${file} ${reason}`);
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const fifo = path.join(cwd, 'config.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(configError({ SWARM_CONFIG: fifo })).toContain('is a FIFO (named pipe), not a regular file');
  });

  it('refuses a file over 1 MB, binary content and invalid UTF-8', () => {
    write('{"home": "' + 'x'.repeat(1024 * 1024) + '"}');
    expect(configError({})).toMatch(/is 1025 KB, more than the 1024 KB allowed/);
    write(Buffer.from([0x7b, 0x00, 0x7d]));
    expect(configError({})).toContain('contains NUL bytes');
    write(Buffer.from('{"home": "\xff\xfe"}', 'latin1'));
    expect(configError({})).toContain('is not valid UTF-8 text');
  });
});
