import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../../workspace/git.js';
import { prepareWorktree } from '../../workspace/worktree.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';

/** Every hook git could run during a commit, merge, checkout, ref update, index write or gc. */
export const HOOK_NAMES = [
  'pre-commit',
  'prepare-commit-msg',
  'commit-msg',
  'post-commit',
  'pre-merge-commit',
  'post-merge',
  'post-checkout',
  'reference-transaction',
  'post-index-change',
  'pre-auto-gc',
  'post-rewrite',
  'fsmonitor-watchman',
];

/**
 * An executable that appends `name` to `marker` (and, as a `filter`, copies stdin to stdout). The
 * marker existing proves git ran something the "agent" planted.
 */
export async function markerScript(
  file: string,
  name: string,
  marker: string,
  opts: { filter?: boolean } = {},
): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\necho "${name} $*" >> '${marker}'\n${opts.filter ? 'cat\n' : ''}`);
  await chmod(file, 0o755);
  return file;
}

export async function plantHooks(hooksDir: string, marker: string): Promise<void> {
  for (const hook of HOOK_NAMES) await markerScript(path.join(hooksDir, hook), hook, marker);
}

/** What ran, or '' when nothing did. */
export const ran = async (marker: string) => (existsSync(marker) ? (await readFile(marker, 'utf8')).trim() : '');

export interface TaskRepo {
  repo: string;
  worktree: string;
  branch: string;
  /** The worktree's private git dir, `<repo>/.git/worktrees/<name>`. */
  adminDir: string;
}

/** A repo on `main` with a task worktree prepared at `worktree` (which may be inside the repo). */
export async function taskRepo(
  repo: string,
  worktree: (repo: string) => string,
  files = { 'a.txt': 'one\ntwo\nthree\nfour\nfive\n' },
): Promise<TaskRepo> {
  await createFixtureRepo(repo, files);
  const worktreePath = worktree(repo);
  const branch = `swarm/${path.basename(worktreePath)}`;
  await prepareWorktree({ repo, baseBranch: 'main', branch, worktreePath });
  return {
    repo,
    worktree: worktreePath,
    branch,
    adminDir: path.join(repo, '.git', 'worktrees', path.basename(worktreePath)),
  };
}

/** Commits a file on `main` in the user's own checkout. */
export async function userCommit(repo: string, file: string, content: string): Promise<string> {
  await writeFile(path.join(repo, file), content);
  await git(repo, ['add', file]);
  await git(repo, ['commit', '--quiet', '-m', `user: ${file}`]);
  return git(repo, ['rev-parse', 'HEAD']);
}
