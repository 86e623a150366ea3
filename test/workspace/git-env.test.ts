import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../workspace/git.js';
import { commitAll } from '../../workspace/worktree.js';
import { taskRepo } from './attack-fixtures.js';

// Whatever git spawns (a hook, a filter, an alias) sees git's environment: it must not hold the
// worker's secrets, nor a GIT_DIR that points git somewhere else.

let root: string;
const SECRETS = {
  OPENAI_API_KEY: 'sk-containment-openai',
  ANTHROPIC_API_KEY: 'sk-containment-anthropic',
  SWARM_DB_AUTH_TOKEN: 'containment-token',
};
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'git-env-test-'));
  for (const [key, value] of Object.entries(SECRETS)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await rm(root, { recursive: true, force: true });
});

describe('the environment of git and what it spawns', () => {
  it("holds no secret from the worker's environment, in a task worktree and in the user's repo", async () => {
    const t = await taskRepo(path.join(root, 'repo'), () => path.join(root, 'worktrees', 'task'));
    for (const cwd of [t.worktree, t.repo]) {
      // A shell alias is a program git runs with the environment it would give a hook or a filter.
      const env = await git(cwd, ['-c', 'alias.probe-env=!env', 'probe-env']);
      expect(env).toMatch(/^PATH=/m);
      for (const [key, value] of Object.entries(SECRETS)) {
        expect(env).not.toContain(key);
        expect(env).not.toContain(value);
      }
    }
  });

  it("ignores a GIT_DIR or GIT_WORK_TREE in the worker's environment", async () => {
    const t = await taskRepo(path.join(root, 'repo-2'), () => path.join(root, 'worktrees', 'task-2'));
    const main = await git(t.repo, ['rev-parse', 'main']);
    await writeFile(path.join(t.worktree, 'feature.txt'), 'feature\n');
    process.env.GIT_DIR = path.join(t.repo, '.git');
    process.env.GIT_WORK_TREE = t.repo;
    try {
      const commit = await commitAll(t.worktree, 'checkpoint');
      expect(commit?.files).toEqual(['feature.txt']);
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_WORK_TREE;
    }
    expect(await git(t.repo, ['rev-parse', 'main'])).toBe(main);
    expect(await git(t.repo, ['rev-parse', t.branch])).not.toBe(main);
  });
});
