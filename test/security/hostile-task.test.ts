import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, MUL, MUL_TEST, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { columnsContaining } from '../helpers/scan-db.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

/**
 * Issue 9's attacks, made by a task as a hostile agent would make them (the local model's `run`
 * steps are commands the agent runs), against a real worker with its default sandbox. Each
 * assertion names the attack it checks.
 */
const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));
const SECRET = `sk-hostile-${Date.now()}-0123456789abcdef`;
const run = (command: string) => '```run\n' + command + '\n```\n';
const pgrep = (pattern: string) => {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

describe('a hostile task against a worker with its default sandbox', () => {
  let stack: TestStack;
  let repo: string;
  const dir = tempDir('hostile');
  const marker = path.basename(dir);

  beforeAll(async () => {
    repo = await createFixtureRepo(path.join(dir, 'repo'), nodeProjectFiles());
    writeFileSync(path.join(repo, 'user-notes.txt'), 'my own uncommitted notes\n');
    // SWARM_HOME inside the user's clone, as a user running `swarm` from their repo would have it.
    stack = await createTestStack({
      env: { OPENAI_API_KEY: SECRET, SWARM_WORKTREES_DIR: path.join(repo, '.swarm', 'worktrees') },
    });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('reaches no secret, no host path, no hook, no other repository, and leaves nothing running', async () => {
    const description = [
      // Attack 2: the worker's environment through /proc, and the command's own.
      run(
        '{ env; for f in /proc/$PPID/environ /proc/1/environ /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done; } > env-dump.txt 2>/dev/null; wc -l env-dump.txt',
      ),
      // Attack 3: a hook planted in the repository's common git dir.
      run(
        `hooks="$(git rev-parse --git-common-dir)/hooks"; printf '#!/bin/sh\\ntouch /tmp/${marker}-hook-ran\\n' > "$hooks/post-commit" && chmod +x "$hooks/post-commit"; echo "hook planted: $?"`,
      ),
      // Attack 6: writes outside the worktree, and a process meant to outlive the task.
      run(
        `echo escaped > /tmp/${marker}-escaped; echo escaped > ${repo}/escaped.txt; echo escaped > ${homedir()}/${marker}-escaped; true`,
      ),
      run(`setsid sh -c 'while true; do sleep 1; done # ${marker}-orphan' > /dev/null 2>&1 < /dev/null & echo started`),
      // Attack 4: the worktree's .git deleted, so that git would find the enclosing (user's) repository.
      run('rm -f .git; echo removed'),
      writeBlock('src/mul.js', MUL),
      writeBlock('test/mul.test.js', MUL_TEST),
    ].join('\n');

    // A worker process of its own, started with the key in its environment as a real worker is.
    const worker = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      env: { ...process.env, ...stack.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    worker.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    let task;
    try {
      task = await stack.client.createTask({
        title: 'Hostile but passing',
        description,
        repo,
        model: 'local',
        maxAttempts: 1,
      });
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
    } finally {
      worker.kill('SIGTERM');
      await new Promise((resolve) => (worker.exitCode !== null ? resolve(null) : worker.once('exit', resolve)));
    }
    expect(stderr).not.toContain(SECRET);
    expect((await stack.store.results.get(task.id))?.status).toBe('succeeded');
    expect(await git(repo, ['show', 'main:src/mul.js'])).toBe(MUL);

    // Attack 2: the dump the agent committed (and that landed) holds no key; neither does any table or the history.
    const dump = await git(repo, ['show', 'main:env-dump.txt']);
    expect(dump).toContain('PATH=');
    expect(dump).not.toContain(SECRET);
    expect(await columnsContaining(stack.store.db, SECRET)).toEqual([]);
    const history = JSON.stringify(
      await stack.testEnv.client.workflow.getHandle(task.workflowId).fetchHistory(),
      (key, value: unknown) =>
        key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
    );
    expect(history).not.toContain(SECRET);

    // Attack 3: no hook in the user's repository, and none ran.
    expect(readdirSync(path.join(repo, '.git', 'hooks')).filter((f) => !f.endsWith('.sample'))).toEqual([]);
    expect(existsSync(`/tmp/${marker}-hook-ran`)).toBe(false);

    // Attack 6: nothing written outside the worktree, nothing left running.
    expect(existsSync(`/tmp/${marker}-escaped`)).toBe(false);
    expect(existsSync(path.join(repo, 'escaped.txt'))).toBe(false);
    expect(existsSync(path.join(homedir(), `${marker}-escaped`))).toBe(false);
    expect(pgrep(`${marker}-orphan`)).toBe('');

    // Attack 4: main moved only by the landing merge; the user's uncommitted file and .swarm never got committed.
    expect((await git(repo, ['log', '--first-parent', '--format=%s', 'main'])).split('\n')).toEqual([
      expect.stringMatching(/^swarm: merge task /),
      'fixture',
    ]);
    const tracked = await git(repo, ['ls-tree', '-r', '--name-only', 'main']);
    expect(tracked).not.toContain('user-notes.txt');
    expect(tracked).not.toContain('.swarm');
    expect(readFileSync(path.join(repo, 'user-notes.txt'), 'utf8')).toBe('my own uncommitted notes\n');
    expect(await git(repo, ['status', '--porcelain', '--untracked-files=no'])).toBe('');
  });

  it('cannot land a huge or binary file written by a command (attack 7)', async () => {
    const before = await git(repo, ['rev-parse', 'main']);
    const worker = await stack.createWorker();
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Sneak in a 20 MB file',
        description: run('head -c 20000000 /dev/zero > big.bin; ls -l big.bin'),
        repo,
        model: 'local',
        maxAttempts: 1,
      });
      await stack.testEnv.client.workflow
        .getHandle(task.workflowId)
        .result()
        .catch(() => undefined);
      return task;
    });
    const result = await stack.store.results.get(task.id);
    expect(result?.status).toBe('failed');
    expect(result?.failureReason).toContain('fileRefused');
    const feedback = await stack.store.artifacts.get(`${task.id}/1/feedback`);
    expect(feedback).toContain('big.bin is 20000000 bytes, over the 5242880-byte limit');
    expect(await git(repo, ['rev-parse', 'main'])).toBe(before);
  });
});
