import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../../workspace/git.js';
import { baseContains, combineOnBase } from '../../workspace/merge-batch.js';
import { filesWithConflictMarkers, mergeBaseKeepingConflicts } from '../../workspace/merge-conflict.js';
import { advanceBase, prepareWorktree } from '../../workspace/worktree.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';

/** A branch off main with `files` committed on it; its head. */
async function branch(repo: string, name: string, files: Record<string, string>, from = 'main') {
  await git(repo, ['branch', name, from]);
  const dir = path.join(tempDir('branch'), name);
  await git(repo, ['worktree', 'add', '--quiet', dir, name]);
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(dir, file), content);
  await git(dir, ['add', '--all']);
  await git(dir, ['commit', '--quiet', '-m', `${name} change`]);
  const head = await git(dir, ['rev-parse', 'HEAD']);
  await git(repo, ['worktree', 'remove', '--force', dir]);
  return head;
}

const bare = (dir: string) => createFixtureRepo(dir, { 'a.txt': 'a\n', 'b.txt': 'b\n', 'shared.txt': 'one\n' });

describe('the merge queue’s combined commit (git merge-tree, no worktree)', () => {
  it('merges heads in order as a chain of merge commits, reports conflicts with the base and defers conflicts within the batch', async () => {
    const repo = await bare(path.join(tempDir('combine'), 'repo'));
    const base = await git(repo, ['rev-parse', 'main']);
    const a = await branch(repo, 'a', { 'a.txt': 'a changed\n' });
    const left = await branch(repo, 'left', { 'shared.txt': 'left\n' });
    const right = await branch(repo, 'right', { 'shared.txt': 'right\n' });
    const heads = [
      { key: 'a', head: a, message: 'merge a' },
      { key: 'left', head: left, message: 'merge left' },
      { key: 'right', head: right, message: 'merge right' },
    ];
    const combined = await combineOnBase(repo, 'main', heads);
    expect(combined.baseSha).toBe(base);
    expect(combined.heads.map((h) => [h.key, h.status])).toEqual([
      ['a', 'combined'],
      ['left', 'combined'],
      // `right` conflicts only with `left`, which lands in this batch: it waits for the next one.
      ['right', 'deferred'],
    ]);
    expect(await git(repo, ['show', `${combined.tip}:a.txt`])).toBe('a changed');
    expect(await git(repo, ['show', `${combined.tip}:shared.txt`])).toBe('left');
    expect(await git(repo, ['rev-parse', `${combined.tip}^2`])).toBe(left);
    expect(await git(repo, ['rev-parse', `${combined.tip}^1^2`])).toBe(a);
    expect(await git(repo, ['rev-parse', 'main'])).toBe(base); // nothing moved yet

    expect(await advanceBase(repo, 'main', base, combined.tip, 'land')).toBe('moved');
    expect(await baseContains(repo, 'main', combined.tip)).toBe(true);
    // Compare-and-swap: a second landing from the old base loses.
    expect(await advanceBase(repo, 'main', base, combined.tip, 'land')).toBe('base_moved');

    const next = await combineOnBase(repo, 'main', [heads[0]!, heads[2]!]);
    // `a` landed already (its merge commit is found); `right` now conflicts with the base itself.
    expect(next.heads[0]).toMatchObject({ key: 'a', status: 'already_merged' });
    expect(next.heads[1]).toMatchObject({ key: 'right', status: 'conflict', files: ['shared.txt'] });
    const leftLanding = await git(repo, [
      'log',
      '--format=%H',
      '-1',
      `${base}..main`,
      '--no-merges',
      '--',
      'shared.txt',
    ]);
    expect(next.heads[1]).toMatchObject({ baseCommits: [leftLanding] });
  });

  it('merges the base into a task worktree keeping the conflict markers committed, once however often it is retried', async () => {
    const repo = await bare(path.join(tempDir('conflict'), 'repo'));
    const worktreePath = path.join(tempDir('conflict-wt'), 'task');
    await prepareWorktree({ repo, baseBranch: 'main', branch: 'swarm/t1', worktreePath });
    await writeFile(path.join(worktreePath, 'shared.txt'), 'mine\n');
    await git(worktreePath, ['commit', '--quiet', '-am', 'mine']);
    const mine = await git(worktreePath, ['rev-parse', 'HEAD']);
    await branch(repo, 'theirs', { 'shared.txt': 'theirs\n' });
    await git(repo, ['merge', '--quiet', '--ff-only', 'theirs']);

    const first = await mergeBaseKeepingConflicts(worktreePath, repo, 'main', 't1/1');
    const again = await mergeBaseKeepingConflicts(worktreePath, repo, 'main', 't1/1');
    expect(again).toEqual(first);
    expect(first).toMatchObject({
      status: 'conflict',
      files: [{ path: 'shared.txt', ours: 'mine', theirs: 'theirs' }],
    });
    // One merge commit on the task branch, with both parents and the markers in the file.
    expect(await git(worktreePath, ['rev-parse', 'HEAD^1'])).toBe(mine);
    expect(await git(worktreePath, ['rev-parse', 'HEAD^2'])).toBe(await git(repo, ['rev-parse', 'main']));
    expect(await readFile(path.join(worktreePath, 'shared.txt'), 'utf8')).toMatch(
      /^<<<<<<< .*\nmine\n=======\ntheirs\n>>>>>>> /m,
    );
    expect(await filesWithConflictMarkers(worktreePath, ['shared.txt'])).toEqual(['shared.txt']);
    await writeFile(path.join(worktreePath, 'shared.txt'), 'mine and theirs\n');
    expect(await filesWithConflictMarkers(worktreePath, ['shared.txt'])).toEqual([]);
  });
});
