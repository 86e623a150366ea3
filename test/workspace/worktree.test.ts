import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, gitMaybe } from '../../workspace/git.js';
import {
  commitAll,
  currentBranch,
  landOnBase,
  prepareWorktree,
  removeWorktree,
  RepoError,
  resetToCheckpoint,
  resolveRepo,
  syncWithBase,
} from '../../workspace/worktree.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';

let root: string;
let repos = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'worktree-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Setup {
  repo: string;
  worktree: string;
  branch: string;
}

/** A fresh repo on `main` holding a.txt, and the path (not yet created) of a task worktree. */
async function freshRepo(files: Record<string, string> = { 'a.txt': 'one\ntwo\nthree\n' }): Promise<Setup> {
  const n = ++repos;
  const repo = await createFixtureRepo(path.join(root, `repo-${n}`), files);
  return { repo, worktree: path.join(root, `worktrees-${n}`, 'task'), branch: `swarm/task-${n}` };
}

/** A repo with a prepared task worktree. */
async function withWorktree(files?: Record<string, string>): Promise<Setup> {
  const setup = await freshRepo(files);
  await prepareWorktree({ repo: setup.repo, baseBranch: 'main', branch: setup.branch, worktreePath: setup.worktree });
  return setup;
}

/** Commits a file straight onto `main` in the main repo (which has main checked out). */
async function commitOnMain(repo: string, file: string, content: string): Promise<string> {
  await writeFile(path.join(repo, file), content);
  await git(repo, ['add', file]);
  await git(repo, ['commit', '--quiet', '-m', `main: ${file}`]);
  return git(repo, ['rev-parse', 'HEAD']);
}

const sha = (cwd: string, rev: string) => git(cwd, ['rev-parse', rev]);
const parents = async (cwd: string, rev: string) =>
  (await git(cwd, ['rev-list', '--parents', '-n', '1', rev])).split(' ').slice(1);
const status = (cwd: string) => git(cwd, ['status', '--porcelain']);
const land = (s: Setup, message = 'swarm: land task') =>
  landOnBase({ repo: s.repo, worktree: s.worktree, baseBranch: 'main', message });

describe('resolveRepo', () => {
  it('returns the top level of the repository containing the path', async () => {
    const { repo } = await freshRepo({ 'src/deep/file.txt': 'x\n' });
    expect(await resolveRepo(path.join(repo, 'src', 'deep'))).toBe(repo);
    expect(await resolveRepo(repo)).toBe(repo);
  });

  it('rejects a missing path with a RepoError', async () => {
    const missing = path.join(root, 'does-not-exist');
    await expect(resolveRepo(missing)).rejects.toThrow(RepoError);
    await expect(resolveRepo(missing)).rejects.toThrow(`repo ${missing} does not exist`);
  });

  it('rejects a directory that is not in a git repository with a RepoError', async () => {
    const plain = path.join(root, 'plain-dir');
    await mkdir(plain);
    await expect(resolveRepo(plain)).rejects.toThrow(RepoError);
    await expect(resolveRepo(plain)).rejects.toThrow('is not a git repository');
  });
});

describe('currentBranch', () => {
  it('names the checked-out branch', async () => {
    const { repo } = await freshRepo();
    expect(await currentBranch(repo)).toBe('main');
    await git(repo, ['checkout', '--quiet', '-b', 'feature']);
    expect(await currentBranch(repo)).toBe('feature');
  });

  it('rejects a detached HEAD with a RepoError', async () => {
    const { repo } = await freshRepo();
    await git(repo, ['checkout', '--quiet', '--detach']);
    await expect(currentBranch(repo)).rejects.toThrow(RepoError);
  });
});

describe('prepareWorktree', () => {
  it('creates the task branch from the base branch in a new worktree', async () => {
    const s = await freshRepo();
    const base = await sha(s.repo, 'main');
    const prepared = await prepareWorktree({
      repo: s.repo,
      baseBranch: 'main',
      branch: s.branch,
      worktreePath: s.worktree,
    });
    expect(prepared).toEqual({ worktreePath: s.worktree, baseSha: base, headSha: base, reused: false });
    expect(await currentBranch(s.worktree)).toBe(s.branch);
    expect(await sha(s.repo, s.branch)).toBe(base);
    expect(await readFile(path.join(s.worktree, 'a.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
  });

  it('is idempotent: a second call reuses the same worktree', async () => {
    const s = await freshRepo();
    const opts = { repo: s.repo, baseBranch: 'main', branch: s.branch, worktreePath: s.worktree };
    const first = await prepareWorktree(opts);
    await writeFile(path.join(s.worktree, 'work-in-progress.txt'), 'keep me\n');
    const second = await prepareWorktree(opts);
    expect(second.reused).toBe(true);
    expect(second.worktreePath).toBe(first.worktreePath);
    expect(second.headSha).toBe(first.headSha);
    expect(await readFile(path.join(s.worktree, 'work-in-progress.txt'), 'utf8')).toBe('keep me\n');
  });

  it('recreates the worktree for an existing branch after the worktree was removed, keeping its commits', async () => {
    const s = await withWorktree();
    await writeFile(path.join(s.worktree, 'b.txt'), 'b\n');
    const commit = await commitAll(s.worktree, 'task work');
    await removeWorktree(s.repo, s.worktree);
    expect(existsSync(s.worktree)).toBe(false);

    const again = await prepareWorktree({
      repo: s.repo,
      baseBranch: 'main',
      branch: s.branch,
      worktreePath: s.worktree,
    });
    expect(again.reused).toBe(true);
    expect(again.headSha).toBe(commit!.sha);
    expect(await readFile(path.join(s.worktree, 'b.txt'), 'utf8')).toBe('b\n');
  });

  it('rejects a missing base branch with a RepoError', async () => {
    const s = await freshRepo();
    await expect(
      prepareWorktree({ repo: s.repo, baseBranch: 'develop', branch: s.branch, worktreePath: s.worktree }),
    ).rejects.toThrow('has no branch "develop"');
    expect(existsSync(s.worktree)).toBe(false);
  });

  it('refuses a branch already checked out at a different path', async () => {
    const s = await withWorktree();
    const elsewhere = path.join(path.dirname(s.worktree), 'other');
    await expect(
      prepareWorktree({ repo: s.repo, baseBranch: 'main', branch: s.branch, worktreePath: elsewhere }),
    ).rejects.toThrow(`branch ${s.branch} is already checked out at ${s.worktree}`);
  });
});

describe('commitAll', () => {
  it('returns null when there is nothing to commit', async () => {
    const s = await withWorktree();
    const before = await sha(s.worktree, 'HEAD');
    expect(await commitAll(s.worktree, 'nothing')).toBeNull();
    expect(await sha(s.worktree, 'HEAD')).toBe(before);
  });

  it('commits added, modified and deleted files and lists them', async () => {
    const s = await withWorktree({ 'a.txt': 'a\n', 'gone.txt': 'bye\n' });
    await writeFile(path.join(s.worktree, 'a.txt'), 'changed\n');
    await mkdir(path.join(s.worktree, 'src'));
    await writeFile(path.join(s.worktree, 'src', 'new.js'), 'export {};\n');
    await rm(path.join(s.worktree, 'gone.txt'));

    const result = await commitAll(s.worktree, 'task: edits');
    expect(result).not.toBeNull();
    expect(result!.sha).toBe(await sha(s.worktree, 'HEAD'));
    expect(result!.files.sort()).toEqual(['a.txt', 'gone.txt', 'src/new.js']);
    expect(await git(s.worktree, ['log', '-1', '--format=%s'])).toBe('task: edits');
    expect(await status(s.worktree)).toBe('');
    expect(await commitAll(s.worktree, 'again')).toBeNull();
  });
});

describe('resetToCheckpoint', () => {
  it('drops the commits after the checkpoint and everything uncommitted, naming the dropped commits with their trailers', async () => {
    const s = await withWorktree();
    await writeFile(path.join(s.worktree, 'a.txt'), 'turn 1\n');
    const checkpoint = (await commitAll(s.worktree, 'turn 1\n\nSwarm-Turn: t/1/1'))!.sha;
    await writeFile(path.join(s.worktree, 'a.txt'), 'turn 2\n');
    const orphan = (await commitAll(s.worktree, 'turn 2\n\nSwarm-Turn: t/1/2'))!.sha;
    await writeFile(path.join(s.worktree, 'a.txt'), 'half a turn\n');
    await writeFile(path.join(s.worktree, 'untracked.txt'), 'left behind\n');

    expect(await resetToCheckpoint(s.worktree, checkpoint, 'Swarm-Turn')).toEqual([
      { sha: orphan, trailers: ['t/1/2'] },
    ]);
    expect(await sha(s.repo, s.branch)).toBe(checkpoint);
    expect(await readFile(path.join(s.worktree, 'a.txt'), 'utf8')).toBe('turn 1\n');
    expect(existsSync(path.join(s.worktree, 'untracked.txt'))).toBe(false);
    expect(await status(s.worktree)).toBe('');
    expect(await resetToCheckpoint(s.worktree, checkpoint, 'Swarm-Turn')).toEqual([]);
  });

  it('refuses a checkpoint that is not a commit of the repository', async () => {
    const s = await withWorktree();
    await expect(
      resetToCheckpoint(s.worktree, '0123456789abcdef0123456789abcdef01234567', 'Swarm-Turn'),
    ).rejects.toThrow(RepoError);
  });
});

describe('landOnBase', () => {
  it('moves an unchecked-out base ref to a merge of [old base, task head]', async () => {
    const s = await withWorktree();
    await git(s.repo, ['checkout', '--quiet', '-b', 'elsewhere']); // main is now checked out nowhere
    const oldBase = await sha(s.repo, 'main');
    await writeFile(path.join(s.worktree, 'feature.txt'), 'feature\n');
    const { sha: head } = (await commitAll(s.worktree, 'task: feature'))!;

    const outcome = await land(s, 'swarm: land feature');
    expect(outcome.status).toBe('merged');
    const merge = (outcome as { mergeCommit: string }).mergeCommit;
    expect(merge).toMatch(/^[0-9a-f]{40}$/);
    expect(await sha(s.repo, 'main')).toBe(merge);
    expect(await parents(s.repo, merge)).toEqual([oldBase, head]);
    expect(await sha(s.repo, `${merge}^{tree}`)).toBe(await sha(s.repo, `${head}^{tree}`));
    expect(await git(s.repo, ['log', '-1', '--format=%s', merge])).toBe('swarm: land feature');
    // The main repo's own checkout is untouched.
    expect(await currentBranch(s.repo)).toBe('elsewhere');
    expect(existsSync(path.join(s.repo, 'feature.txt'))).toBe(false);
  });

  it('lands on a base in a bare repository', async () => {
    const source = await freshRepo();
    const bare = path.join(root, `bare-${++repos}.git`);
    await git(root, ['clone', '--quiet', '--bare', source.repo, bare]);
    const s: Setup = { repo: bare, worktree: path.join(root, `worktrees-${repos}`, 'task'), branch: 'swarm/bare-task' };
    await prepareWorktree({ repo: bare, baseBranch: 'main', branch: s.branch, worktreePath: s.worktree });
    const oldBase = await sha(bare, 'main');
    await writeFile(path.join(s.worktree, 'feature.txt'), 'feature\n');
    const { sha: head } = (await commitAll(s.worktree, 'task: feature'))!;

    const outcome = await land(s);
    expect(outcome.status).toBe('merged');
    const merge = (outcome as { mergeCommit: string }).mergeCommit;
    expect(await sha(bare, 'main')).toBe(merge);
    expect(await parents(bare, merge)).toEqual([oldBase, head]);
  });

  it('works from a repository that is itself a linked worktree, fast-forwarding that checkout', async () => {
    const clone = await freshRepo();
    await git(clone.repo, ['checkout', '--quiet', '-b', 'elsewhere']);
    const linked = path.join(root, `linked-${++repos}`);
    await git(clone.repo, ['worktree', 'add', '--quiet', linked, 'main']);
    const s: Setup = {
      repo: linked,
      worktree: path.join(root, `worktrees-${repos}`, 'task'),
      branch: 'swarm/linked-task',
    };
    await prepareWorktree({ repo: linked, baseBranch: 'main', branch: s.branch, worktreePath: s.worktree });
    expect(existsSync(path.join(clone.repo, '.git', 'worktrees', 'task'))).toBe(true);
    await writeFile(path.join(s.worktree, 'feature.txt'), 'feature\n');
    const { sha: head } = (await commitAll(s.worktree, 'task: feature'))!;

    const outcome = await land(s);
    expect(outcome.status).toBe('merged');
    const merge = (outcome as { mergeCommit: string }).mergeCommit;
    expect(await sha(linked, 'HEAD')).toBe(merge);
    expect(await parents(linked, merge)).toEqual([await sha(clone.repo, 'elsewhere'), head]);
    expect(await readFile(path.join(linked, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(await status(linked)).toBe('');
  });

  it('fast-forwards the working tree where the base is checked out', async () => {
    const s = await withWorktree();
    const oldBase = await sha(s.repo, 'main');
    await writeFile(path.join(s.worktree, 'feature.txt'), 'feature\n');
    const { sha: head } = (await commitAll(s.worktree, 'task: feature'))!;

    const outcome = await land(s);
    expect(outcome.status).toBe('merged');
    const merge = (outcome as { mergeCommit: string }).mergeCommit;
    expect(await sha(s.repo, 'HEAD')).toBe(merge);
    expect(await currentBranch(s.repo)).toBe('main');
    expect(await parents(s.repo, merge)).toEqual([oldBase, head]);
    expect(await readFile(path.join(s.repo, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(await status(s.repo)).toBe('');
  });

  it('reports merged with no merge commit when the task made no commits', async () => {
    const s = await withWorktree();
    const base = await sha(s.repo, 'main');
    expect(await land(s)).toEqual({ status: 'merged', mergeCommit: null });
    expect(await sha(s.repo, 'main')).toBe(base);
  });

  it('returns base_moved when the base advanced; after syncWithBase a second landing merges', async () => {
    const s = await withWorktree();
    await writeFile(path.join(s.worktree, 'feature.txt'), 'feature\n');
    await commitAll(s.worktree, 'task: feature');
    const advanced = await commitOnMain(s.repo, 'other.txt', 'other\n');

    expect(await land(s)).toEqual({ status: 'base_moved' });
    expect(await sha(s.repo, 'main')).toBe(advanced);

    expect(await syncWithBase(s.worktree, s.repo, 'main')).toEqual({ status: 'updated', baseSha: advanced });
    expect(await readFile(path.join(s.worktree, 'other.txt'), 'utf8')).toBe('other\n');
    const synced = await sha(s.worktree, 'HEAD');
    expect(await syncWithBase(s.worktree, s.repo, 'main')).toEqual({ status: 'up_to_date' });

    const outcome = await land(s);
    expect(outcome.status).toBe('merged');
    const merge = (outcome as { mergeCommit: string }).mergeCommit;
    expect(await parents(s.repo, merge)).toEqual([advanced, synced]);
    expect(await sha(s.repo, 'main')).toBe(merge);
    expect(await readFile(path.join(s.repo, 'feature.txt'), 'utf8')).toBe('feature\n');
  });

  it('returns the same merge commit when retried after a successful landing', async () => {
    const s = await withWorktree();
    await writeFile(path.join(s.worktree, 'feature.txt'), 'feature\n');
    await commitAll(s.worktree, 'task: feature');
    const first = await land(s);
    expect(first.status).toBe('merged');
    const mainAfterFirst = await sha(s.repo, 'main');

    const second = await land(s);
    expect(second).toEqual(first);
    expect(await sha(s.repo, 'main')).toBe(mainAfterFirst);
    expect(await git(s.repo, ['rev-list', '--count', '--merges', 'main'])).toBe('1');
  });

  it('finds the earlier landing even after the base moved on', async () => {
    const s = await withWorktree();
    await writeFile(path.join(s.worktree, 'feature.txt'), 'feature\n');
    await commitAll(s.worktree, 'task: feature');
    const first = await land(s);
    await commitOnMain(s.repo, 'later.txt', 'later\n');
    expect(await land(s)).toEqual(first);
  });
});

describe('syncWithBase', () => {
  it('reports up_to_date when the base has not moved', async () => {
    const s = await withWorktree();
    expect(await syncWithBase(s.worktree, s.repo, 'main')).toEqual({ status: 'up_to_date' });
  });

  it('reports a conflict listing the file and leaves the worktree clean', async () => {
    const s = await withWorktree();
    await writeFile(path.join(s.worktree, 'a.txt'), 'one\nTASK\nthree\n');
    const { sha: head } = (await commitAll(s.worktree, 'task: edit line 2'))!;
    await commitOnMain(s.repo, 'a.txt', 'one\nMAIN\nthree\n');

    expect(await syncWithBase(s.worktree, s.repo, 'main')).toEqual({ status: 'conflict', files: ['a.txt'] });
    expect(await status(s.worktree)).toBe('');
    expect(await gitMaybe(s.worktree, ['rev-parse', '--quiet', '--verify', 'MERGE_HEAD'])).toBeNull();
    expect(await sha(s.worktree, 'HEAD')).toBe(head);
    expect(await readFile(path.join(s.worktree, 'a.txt'), 'utf8')).toBe('one\nTASK\nthree\n');
  });
});

describe('removeWorktree', () => {
  it('removes the worktree directory and registration, and is safe to call twice', async () => {
    const s = await withWorktree();
    await writeFile(path.join(s.worktree, 'uncommitted.txt'), 'dirty\n');
    await removeWorktree(s.repo, s.worktree);
    expect(existsSync(s.worktree)).toBe(false);
    expect(await git(s.repo, ['worktree', 'list', '--porcelain'])).not.toContain(s.worktree);
    await expect(removeWorktree(s.repo, s.worktree)).resolves.toBeUndefined();
    // The branch itself survives removal.
    expect(await gitMaybe(s.repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${s.branch}`])).not.toBeNull();
  });
});
