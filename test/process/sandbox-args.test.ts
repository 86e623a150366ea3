import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clampToHost, hostHardLimits } from '../../process/host-limits.js';
import {
  bubblewrapArgs,
  DEFAULT_SANDBOX_LIMITS,
  sandboxEnv,
  wrapCommand,
  type Sandbox,
} from '../../process/sandbox.js';
import { gitDirsOf } from '../../process/task-sandbox.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';

const sandbox = (overrides: Partial<Sandbox> = {}): Sandbox => ({
  kind: 'bubblewrap',
  worktree: '/srv/swarm/worktrees/t1',
  scratchDir: '/srv/swarm/sandboxes/t1/tmp',
  homeDir: '/srv/swarm/sandboxes/t1/home',
  stateDir: '/srv/swarm/sandboxes/t1',
  writable: [],
  readOnly: ['/home/me/repo/.git'],
  hidden: ['/home/me', '/srv/swarm', '/home/me/repo'],
  network: false,
  env: { PATH: '/usr/bin:/bin', HOME: '/srv/swarm/sandboxes/t1/home' },
  limits: DEFAULT_SANDBOX_LIMITS,
  ...overrides,
});

describe('bubblewrapArgs', () => {
  it('builds the whole argv: read-only host, hidden dirs, binds on top, namespaces, limits, command', () => {
    expect(bubblewrapArgs(sandbox(), ['/bin/sh', '-c', 'npm test'])).toEqual([
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--bind',
      '/srv/swarm/sandboxes/t1/tmp',
      '/tmp',
      '--tmpfs',
      '/home/me',
      '--tmpfs',
      '/srv/swarm',
      '--tmpfs',
      '/home/me/repo',
      '--ro-bind',
      '/home/me/repo/.git',
      '/home/me/repo/.git',
      '--bind',
      '/srv/swarm/worktrees/t1',
      '/srv/swarm/worktrees/t1',
      '--bind',
      '/srv/swarm/sandboxes/t1/home',
      '/srv/swarm/sandboxes/t1/home',
      '--remount-ro',
      '/home/me',
      '--remount-ro',
      '/srv/swarm',
      '--remount-ro',
      '/home/me/repo',
      '--unshare-all',
      '--die-with-parent',
      '--new-session',
      '--cap-drop',
      'ALL',
      '--chdir',
      '/srv/swarm/worktrees/t1',
      '--',
      'prlimit',
      '--data=8589934592',
      '--fsize=1073741824',
      '--cpu=3600',
      '--nofile=4096',
      '--nproc=4096',
      '--',
      '/bin/sh',
      '-c',
      'npm test',
    ]);
  });

  it('puts a hidden directory below its parent’s bind and above the binds inside it', () => {
    const args = bubblewrapArgs(sandbox({ hidden: ['/srv/swarm/worktrees', '/srv'] }), ['true']);
    const at = (flag: string, dest: string) =>
      args.findIndex((arg, i) => arg === dest && args[i - (flag === '--tmpfs' ? 1 : 2)] === flag);
    expect(at('--tmpfs', '/srv')).toBeLessThan(at('--tmpfs', '/srv/swarm/worktrees'));
    expect(at('--tmpfs', '/srv/swarm/worktrees')).toBeLessThan(at('--bind', '/srv/swarm/worktrees/t1'));
  });

  it('never hides a path it binds anyway, so a repository that is its own worktree stays writable', () => {
    const args = bubblewrapArgs(sandbox({ hidden: ['/srv/swarm/worktrees/t1'] }), ['true']);
    expect(args).not.toContain('--tmpfs');
    expect(args).not.toContain('--remount-ro');
  });

  it('shares the network only when allowed, and starts in the given directory', () => {
    const args = bubblewrapArgs(sandbox({ network: true }), ['true'], '/srv/swarm/worktrees/t1/pkg');
    expect(args.slice(args.indexOf('--unshare-all'), args.indexOf('--unshare-all') + 2)).toEqual([
      '--unshare-all',
      '--share-net',
    ]);
    expect(args[args.indexOf('--chdir') + 1]).toBe('/srv/swarm/worktrees/t1/pkg');
  });

  it('refuses relative paths', () => {
    expect(() => bubblewrapArgs(sandbox({ writable: ['reports'] }), ['true'])).toThrow('absolute');
  });

  it('keeps the environment out of the argv, where `ps` would show it', () => {
    const spec = wrapCommand(sandbox({ env: { PATH: '/bin', ANTHROPIC_API_KEY: 'sk-secret' } }), 'claude');
    expect(spec.file).toBe('bwrap');
    expect(spec.args.join(' ')).not.toContain('sk-secret');
    expect(spec.env).toEqual({ PATH: '/bin', ANTHROPIC_API_KEY: 'sk-secret' });
  });
});

describe('wrapCommand with kind none', () => {
  it('runs the command itself with the sandbox env', () => {
    expect(wrapCommand(sandbox({ kind: 'none' }), 'npm test')).toEqual({
      file: '/bin/sh',
      args: ['-c', 'npm test'],
      env: { PATH: '/usr/bin:/bin', HOME: '/srv/swarm/sandboxes/t1/home' },
    });
    expect(wrapCommand(sandbox({ kind: 'none' }), ['claude', '-p', 'hi']).file).toBe('claude');
  });
});

describe('sandboxEnv', () => {
  const source = {
    PATH: '/work/swarm/node_modules/.bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    HOME: '/root',
    USER: 'root',
    OPENAI_API_KEY: 'sk-1',
    TURSO_AUTH_TOKEN: 't',
    HTTPS_PROXY: 'http://proxy:3128',
    ANTHROPIC_API_KEY: 'sk-2',
  };
  const base = { kind: 'bubblewrap' as const, homeDir: '/s/home', scratchDir: '/s/tmp' };

  it('is a cleared environment plus the allowlist', () => {
    expect(sandboxEnv(source, { ...base, network: false })).toEqual({
      PATH: '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      HOME: '/s/home',
      TMPDIR: '/tmp',
      CI: 'true',
      FORCE_COLOR: '0',
    });
  });

  it('adds proxies with the network, the caller’s names, and the host scratch dir as TMPDIR without bubblewrap', () => {
    const env = sandboxEnv(source, { ...base, kind: 'none', network: true, passEnv: ['ANTHROPIC_API_KEY'] });
    expect(env).toMatchObject({ HTTPS_PROXY: 'http://proxy:3128', ANTHROPIC_API_KEY: 'sk-2', TMPDIR: '/s/tmp' });
    expect(env).not.toHaveProperty('OPENAI_API_KEY');
    expect(env).not.toHaveProperty('TURSO_AUTH_TOKEN');
  });
});

describe('host limits', () => {
  const limitsText = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max cpu time              unlimited            unlimited            seconds   ',
    'Max file size             unlimited            unlimited            bytes     ',
    'Max data size             unlimited            4294967296           bytes     ',
    'Max processes             96365                96365                processes ',
    'Max open files            1024                 2048                 files     ',
  ].join('\n');

  it('reads the hard limits and lowers the sandbox’s to them, since prlimit cannot raise them', () => {
    const hard = hostHardLimits(limitsText);
    expect(hard).toEqual({ memoryMb: 4096, processes: 96365, openFiles: 2048 });
    expect(clampToHost(DEFAULT_SANDBOX_LIMITS, hard)).toEqual({
      ...DEFAULT_SANDBOX_LIMITS,
      memoryMb: 4096,
      openFiles: 2048,
    });
  });
});

describe('gitDirsOf', () => {
  const root = tempDir('git-dirs');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds the repository’s git directory a worktree points into, and nothing for a plain repository', async () => {
    const repo = await createFixtureRepo(path.join(root, 'repo'), { 'a.txt': 'a\n' });
    await git(repo, ['worktree', 'add', '--quiet', '-b', 'wt', path.join(root, 'wt')]);
    expect(await gitDirsOf(path.join(root, 'wt'))).toEqual([path.join(repo, '.git')]);
    expect(await gitDirsOf(repo)).toEqual([]);
  });
});
