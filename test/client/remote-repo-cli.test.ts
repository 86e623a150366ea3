import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBareRepo, startGitServer, type GitServer } from '../helpers/git-server.js';
import { createTestStack, type TestStack } from '../helpers/test-env.js';
import { runCliCaptured } from '../helpers/captured-cli.js';

const TOKEN = 'cli-token-5a4b3c2d1e0f';

describe('swarm task create / list / queue show with --repo <url>', () => {
  let stack: TestStack;
  let server: GitServer;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'jetpack-remote-cli-'));
    server = await startGitServer({ root, auth: { username: 'x-access-token', password: TOKEN } });
    await createBareRepo(root, 'app', { 'README.md': 'hi\n' });
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.teardown();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  async function swarm(args: string[], env: Record<string, string> = {}) {
    return runCliCaptured(args, { ...stack.env, ...env }, stack.home);
  }
  const create = (repo: string, env: Record<string, string> = {}) =>
    swarm(['task', 'create', '--title', 'remote task', '--description', 'do it', '--repo', repo], env);
  const withToken = { SWARM_GIT_TOKEN_ENV: 'APP_GIT_PAT', APP_GIT_PAT: TOKEN };

  it('refuses password URLs and other transports before anything is written, without echoing the password', async () => {
    const password = await create('https://bot:hunter2-secret@127.0.0.1/app.git');
    expect(password.code).toBe(2);
    expect(password.stderr).toContain('use a credential helper or git.tokenEnv');
    expect(password.stderr).not.toContain('hunter2-secret');
    const ext = await create('ext::sh -c id');
    expect(ext.code).toBe(2);
    expect(ext.stderr).toMatch(/transport "ext::".*not allowed/);
  });

  it('says clearly when the remote refuses the credentials or lacks the branch', async () => {
    const anonymous = await create(server.url('app'));
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toMatch(/reaching http:\/\/127\.0\.0\.1:\d+\/app\.git: authentication failed/);
    const wrong = await create(server.url('app'), {
      SWARM_GIT_TOKEN_ENV: 'APP_GIT_PAT',
      APP_GIT_PAT: 'wrong-token-123',
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).not.toContain('wrong-token-123');
    const branch = await swarm(
      ['task', 'create', '--title', 't', '--description', 'd', '--repo', server.url('app'), '--base', 'nope'],
      withToken,
    );
    expect(branch.code).toBe(2);
    expect(branch.stderr).toContain('has no branch "nope"');
  });

  it('creates the task with the normalized URL and the remote HEAD as base; list and queue show name the URL', async () => {
    const created = await swarm(
      [
        'task',
        'create',
        '--title',
        'remote task',
        '--description',
        'do it',
        '--repo',
        `${server.url('app')}/`,
        '--json',
      ],
      withToken,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const task = JSON.parse(created.stdout) as { id: string; repo: string; baseBranch: string };
    expect(task).toMatchObject({ repo: server.url('app'), baseBranch: 'main' });
    const listed = await swarm(['task', 'list', '--json'], withToken);
    expect(JSON.parse(listed.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: task.id, repo: server.url('app') })]),
    );
    const queue = await swarm(['queue', 'show', '--repo', server.url('app')], withToken);
    expect(queue.stderr).toBe('');
    expect(queue.code).toBe(0);
    expect(queue.stdout).toContain(`(${server.url('app')}, main)`);
    await swarm(['task', 'cancel', task.id], withToken);
    // Nothing the CLI stored holds the token.
    const rows = await stack.store.db.execute('SELECT * FROM tasks');
    expect(JSON.stringify(rows.rows)).not.toContain(TOKEN);
  });
});
