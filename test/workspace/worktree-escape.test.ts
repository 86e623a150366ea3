import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../workspace/git.js';
import { commitAll, prepareWorktree, RepoError } from '../../workspace/worktree.js';
import { taskRepo, type TaskRepo } from './attack-fixtures.js';

// The task worktree lives inside the user's repository (SWARM_HOME=.swarm in the repo). Whatever the
// agent does to the worktree's .git, the worker's git must never reach the user's repository.

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'worktree-escape-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface UserRepo extends TaskRepo {
  before: { main: string; status: string; staged: string };
}

async function insideUserRepo(): Promise<UserRepo> {
  const t = await taskRepo(path.join(root, `repo-${++n}`), (repo) =>
    path.join(repo, '.swarm', 'worktrees', `task-${n}`),
  );
  // The user's own uncommitted work and the swarm's database, in the same checkout.
  await writeFile(path.join(t.repo, 'a.txt'), 'the user is editing this\n');
  await writeFile(path.join(t.repo, 'notes.txt'), 'user notes\n');
  await writeFile(path.join(t.repo, '.swarm', 'data.db'), 'sqlite');
  // And the agent's work in the task worktree.
  await writeFile(path.join(t.worktree, 'feature.txt'), 'feature\n');
  return { ...t, before: await userState(t.repo) };
}

/** The user's branch, index and working tree (the swarm's own .swarm/ aside). */
async function userState(repo: string) {
  const status = await git(repo, ['status', '--porcelain', '--untracked-files=all']);
  return {
    main: await git(repo, ['rev-parse', 'refs/heads/main']),
    status: status
      .split('\n')
      .filter((line) => !line.startsWith('?? .swarm/'))
      .join('\n'),
    staged: await git(repo, ['diff', '--cached', '--name-only']),
  };
}

async function expectUserRepoUntouched(u: UserRepo): Promise<void> {
  expect(await userState(u.repo)).toEqual(u.before);
  expect(await readFile(path.join(u.repo, 'a.txt'), 'utf8')).toBe('the user is editing this\n');
  expect(await readFile(path.join(u.repo, 'notes.txt'), 'utf8')).toBe('user notes\n');
}

/** The checkpoint went onto the task branch, holding only the agent's work, and the gitfile is back. */
async function expectCommittedOnTaskBranch(
  u: UserRepo,
  commit: { sha: string; files: string[] } | null,
): Promise<void> {
  expect(commit).not.toBeNull();
  expect(commit!.files).toEqual(['feature.txt']);
  expect(await git(u.repo, ['rev-parse', `refs/heads/${u.branch}`])).toBe(commit!.sha);
  expect((await git(u.repo, ['ls-tree', '-r', '--name-only', commit!.sha])).split('\n').sort()).toEqual([
    'a.txt',
    'feature.txt',
  ]);
  expect(await readFile(path.join(u.worktree, '.git'), 'utf8')).toBe(`gitdir: ${u.adminDir}\n`);
}

describe("commitAll after the agent tampered with the worktree's .git", () => {
  it("restores a deleted gitfile and commits on the task branch, not on the user's main", async () => {
    const u = await insideUserRepo();
    await rm(path.join(u.worktree, '.git'));
    const commit = await commitAll(u.worktree, 'checkpoint');
    await expectUserRepoUntouched(u);
    await expectCommittedOnTaskBranch(u, commit);
  });

  it("restores a gitfile redirected at the user's repository", async () => {
    const u = await insideUserRepo();
    await writeFile(path.join(u.worktree, '.git'), `gitdir: ${path.join(u.repo, '.git')}\n`);
    const commit = await commitAll(u.worktree, 'checkpoint');
    await expectUserRepoUntouched(u);
    await expectCommittedOnTaskBranch(u, commit);
  });

  it("replaces a .git symlink to the user's repository without writing through it", async () => {
    const u = await insideUserRepo();
    await rm(path.join(u.worktree, '.git'));
    await symlink(path.join(u.repo, '.git'), path.join(u.worktree, '.git'));
    const commit = await commitAll(u.worktree, 'checkpoint');
    await expectUserRepoUntouched(u);
    await expectCommittedOnTaskBranch(u, commit);
  });

  it("refuses when the worktree's HEAD was pointed at the user's branch", async () => {
    const u = await insideUserRepo();
    await writeFile(path.join(u.adminDir, 'HEAD'), 'ref: refs/heads/main\n');
    await expect(commitAll(u.worktree, 'checkpoint')).rejects.toThrow(RepoError);
    await expectUserRepoUntouched(u);
  });

  it('refuses a directory this worker never prepared as a worktree', async () => {
    const u = await insideUserRepo();
    const stray = path.join(u.repo, '.swarm', 'worktrees', 'never-prepared');
    await mkdir(stray, { recursive: true });
    await writeFile(path.join(stray, 'x.txt'), 'x\n');
    await expect(commitAll(stray, 'checkpoint')).rejects.toThrow(RepoError);
    await expectUserRepoUntouched(u);
  });
});

describe('other worker git on a worktree without its .git', () => {
  it("a turn's reset --hard and clean -fd stay in the worktree and keep the user's edits", async () => {
    const u = await insideUserRepo();
    await rm(path.join(u.worktree, '.git'));
    await git(u.worktree, ['reset', '--quiet', '--hard', 'HEAD']);
    await git(u.worktree, ['clean', '--quiet', '-fd']);
    await expectUserRepoUntouched(u);
    expect(existsSync(path.join(u.worktree, 'feature.txt'))).toBe(false);
    expect(await readFile(path.join(u.worktree, '.git'), 'utf8')).toBe(`gitdir: ${u.adminDir}\n`);
  });

  it('a retried prepareWorktree repairs the gitfile instead of pruning the worktree', async () => {
    const u = await insideUserRepo();
    await rm(path.join(u.worktree, '.git'));
    const again = await prepareWorktree({
      repo: u.repo,
      baseBranch: 'main',
      branch: u.branch,
      worktreePath: u.worktree,
    });
    expect(again.reused).toBe(true);
    expect(existsSync(path.join(u.worktree, 'feature.txt'))).toBe(true);
    await expectCommittedOnTaskBranch(u, await commitAll(u.worktree, 'checkpoint'));
    await expectUserRepoUntouched(u);
  });
});
