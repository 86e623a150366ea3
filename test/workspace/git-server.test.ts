import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBareRepo, refusePushesTo, startGitServer, type GitServer } from '../helpers/git-server.js';

const run = promisify(execFile);
const gitIn = (cwd: string, args: string[], env: Record<string, string> = {}) =>
  run('git', args, { cwd, env: { PATH: process.env.PATH!, HOME: cwd, GIT_TERMINAL_PROMPT: '0', ...env } });

describe('the test git server (git http-backend on 127.0.0.1)', () => {
  let dir: string;
  let open: GitServer;
  let guarded: GitServer;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'jetpack-git-server-test-'));
    open = await startGitServer({ root: path.join(dir, 'open') });
    guarded = await startGitServer({ root: path.join(dir, 'guarded'), auth: { username: 'bot', password: 's3cret' } });
    await createBareRepo(open.root, 'app', { 'README.md': 'hello\n' });
    await createBareRepo(guarded.root, 'app', { 'README.md': 'hello\n' });
  });
  afterAll(async () => {
    await open.close();
    await guarded.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves clones and accepts pushes', async () => {
    const clone = path.join(dir, 'clone');
    await gitIn(dir, ['clone', '--quiet', open.url('app'), clone]);
    await writeFile(path.join(clone, 'a.txt'), 'a\n');
    await gitIn(clone, ['add', 'a.txt']);
    await gitIn(clone, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'a']);
    await gitIn(clone, ['push', '--quiet', 'origin', 'HEAD:refs/heads/topic']);
    const { stdout } = await gitIn(dir, ['ls-remote', open.url('app'), 'refs/heads/topic']);
    expect(stdout).toMatch(/^[0-9a-f]{40}\trefs\/heads\/topic/);
    expect(open.requests.some((r) => r.path.endsWith('/git-receive-pack') && r.status === 200)).toBe(true);
  });

  it('refuses requests without the credentials, and serves them with', async () => {
    await expect(gitIn(dir, ['ls-remote', guarded.url('app')])).rejects.toThrow(
      /Authentication failed|could not read Username/,
    );
    const askpass = path.join(dir, 'askpass.sh');
    await writeFile(askpass, '#!/bin/sh\ncase "$1" in Username*) echo bot;; *) echo "$TOKEN";; esac\n', {
      mode: 0o755,
    });
    const { stdout } = await gitIn(dir, ['ls-remote', guarded.url('app'), 'refs/heads/main'], {
      GIT_ASKPASS: askpass,
      TOKEN: 's3cret',
    });
    expect(stdout).toContain('refs/heads/main');
    expect(guarded.requests.some((r) => r.status === 401)).toBe(true);
    expect(guarded.requests.some((r) => r.user === 'bot' && r.status === 200)).toBe(true);
  });

  it('refuses pushes to a protected branch with the hook message', async () => {
    const bare = await createBareRepo(open.root, 'protected', { 'README.md': 'x\n' });
    await refusePushesTo(bare, 'refs/heads/main', 'main is protected');
    const clone = path.join(dir, 'clone-protected');
    await gitIn(dir, ['clone', '--quiet', open.url('protected'), clone]);
    await writeFile(path.join(clone, 'b.txt'), 'b\n');
    await gitIn(clone, ['add', 'b.txt']);
    await gitIn(clone, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'b']);
    await expect(gitIn(clone, ['push', 'origin', 'HEAD:main'])).rejects.toThrow(/main is protected/);
  });
});
