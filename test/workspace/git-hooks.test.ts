import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../workspace/git.js';
import { commitAll, landOnBase, syncWithBase } from '../../workspace/worktree.js';
import { markerScript, plantHooks, ran, taskRepo, userCommit, type TaskRepo } from './attack-fixtures.js';

// Agent output is untrusted: whatever it plants in the repository's hooks or config must never run
// when the worker commits, merges the base in, or lands.

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'git-hooks-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function setup(): Promise<TaskRepo & { marker: string; evil: string }> {
  const dir = path.join(root, `case-${++n}`);
  const t = await taskRepo(path.join(dir, 'repo'), () => path.join(dir, 'worktrees', 'task'));
  // The base moves on before the agent acts, so syncWithBase has a real merge to make.
  await userCommit(t.repo, 'base.txt', 'from the user\n');
  return { ...t, marker: path.join(dir, 'marker'), evil: path.join(dir, 'evil') };
}

/** The worker's whole cycle on the task: checkpoint, merge the base in, more work, checkpoint, land. */
async function workerCycle(t: TaskRepo & { marker: string }): Promise<void> {
  await writeFile(path.join(t.worktree, 'feature.txt'), 'feature\n');
  expect(await commitAll(t.worktree, 'turn 1')).not.toBeNull();
  expect(await ran(t.marker), 'after commitAll').toBe('');
  expect((await syncWithBase(t.worktree, t.repo, 'main')).status).toBe('updated');
  expect(await ran(t.marker), 'after syncWithBase').toBe('');
  await writeFile(path.join(t.worktree, 'feature.txt'), 'feature, revised\n');
  expect(await commitAll(t.worktree, 'turn 2')).not.toBeNull();
  expect((await landOnBase({ repo: t.repo, worktree: t.worktree, baseBranch: 'main', message: 'land' })).status).toBe(
    'merged',
  );
  expect(await ran(t.marker), 'after landOnBase').toBe('');
  expect(await readFile(path.join(t.repo, 'feature.txt'), 'utf8')).toBe('feature, revised\n');
}

describe('hooks planted by the agent', () => {
  it("never run from the common dir's hooks/", async () => {
    const t = await setup();
    await plantHooks(path.join(t.repo, '.git', 'hooks'), t.marker);
    await workerCycle(t);
  });

  it('never run from a core.hooksPath the agent set in the repository config', async () => {
    const t = await setup();
    await plantHooks(t.evil, t.marker);
    await git(t.worktree, ['config', '--local', 'core.hooksPath', t.evil]);
    await workerCycle(t);
  });

  it("never run from a core.hooksPath the agent set in the worktree's config.worktree", async () => {
    const t = await setup();
    await plantHooks(t.evil, t.marker);
    await git(t.worktree, ['config', '--local', 'extensions.worktreeConfig', 'true']);
    await writeFile(path.join(t.adminDir, 'config.worktree'), `[core]\n\thooksPath = ${t.evil}\n`);
    await workerCycle(t);
  });
});

describe('config the agent set that would execute programs', () => {
  it('core.fsmonitor, clean/smudge filters, textconv and diff.external never run', async () => {
    const t = await setup();
    const script = (name: string, filter = false) => markerScript(path.join(t.evil, name), name, t.marker, { filter });
    const config: Array<[string, string]> = [
      ['core.fsmonitor', await script('fsmonitor')],
      ['filter.evil.clean', await script('clean', true)],
      ['filter.evil.smudge', await script('smudge', true)],
      ['filter.evil.required', 'true'],
      ['diff.evil.textconv', await script('textconv')],
      ['diff.external', await script('external-diff')],
    ];
    for (const [key, value] of config) await git(t.worktree, ['config', '--local', key, value]);
    await writeFile(path.join(t.worktree, '.gitattributes'), '* filter=evil diff=evil\n');
    await workerCycle(t);
  });

  it('a merge driver never runs: the file is reported as a conflict instead', async () => {
    const t = await setup();
    await git(t.worktree, [
      'config',
      '--local',
      'merge.evil.driver',
      `${await markerScript(path.join(t.evil, 'driver'), 'driver', t.marker)} %O %A %B`,
    ]);
    await writeFile(path.join(t.worktree, '.gitattributes'), 'a.txt merge=evil\n');
    await writeFile(path.join(t.worktree, 'a.txt'), 'ONE\ntwo\nthree\nfour\nfive\n');
    await commitAll(t.worktree, 'task edits line 1');
    // Both sides change a.txt (different lines), so git has to call the file's merge driver.
    await userCommit(t.repo, 'a.txt', 'one\ntwo\nthree\nfour\nFIVE\n');

    expect(await syncWithBase(t.worktree, t.repo, 'main')).toEqual({ status: 'conflict', files: ['a.txt'] });
    expect(await ran(t.marker)).toBe('');
  });
});

describe('refs the agent planted', () => {
  it('a replace ref cannot swap the tree that lands for the one the gate checked', async () => {
    const t = await setup();
    await syncWithBase(t.worktree, t.repo, 'main');
    const base = await git(t.repo, ['rev-parse', 'main']);
    await writeFile(path.join(t.worktree, 'feature.txt'), 'feature\n');
    const checked = (await commitAll(t.worktree, 'checked work'))!.sha;
    // A commit the gate never saw, with an extra file, put in place of the checked head by refs/replace.
    await writeFile(path.join(t.worktree, 'unchecked.txt'), 'never checked\n');
    const unchecked = (await commitAll(t.worktree, 'unchecked work'))!.sha;
    const swapped = await git(t.worktree, ['commit-tree', `${unchecked}^{tree}`, '-p', base, '-m', 'swap']);
    await git(t.worktree, ['reset', '--quiet', '--hard', checked]);
    await git(t.worktree, ['update-ref', `refs/replace/${checked}`, swapped]);

    const outcome = await landOnBase({ repo: t.repo, worktree: t.worktree, baseBranch: 'main', message: 'land' });
    expect(outcome.status).toBe('merged');
    const merge = (outcome as { mergeCommit: string }).mergeCommit;
    expect(await git(t.repo, ['rev-parse', `${merge}^{tree}`])).toBe(
      await git(t.repo, ['rev-parse', `${checked}^{tree}`]),
    );
    expect(await git(t.repo, ['ls-tree', '--name-only', merge])).not.toContain('unchecked.txt');
  });
});
