import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { RepoError } from './repo-error.js';
import { runGit, runGitMaybe, type GitContext } from './git-run.js';
import type { RemoteAccess } from './remote-access.js';
import type { RemoteScheme } from '../tasks/repo-location.js';

/**
 * The repositories and worktrees the worker's git runs on, each pinned by explicit GIT_DIR /
 * GIT_WORK_TREE (never found by git walking up from a directory the agent can write), and the
 * registry of task worktrees this process prepared.
 */

/** The user's repository, resolved once. */
export interface RepoGit {
  /** The path it was opened by. */
  path: string;
  /** `<repo>/.git` (= commonDir) for a normal clone, the repository itself when bare, `<main>/.git/worktrees/<x>` for a linked worktree. */
  gitDir: string;
  commonDir: string;
  /** Its checkout; null when bare. */
  workTree: string | null;
  /** Set when this is the worker's mirror of a remote (workspace/mirror.ts): `path` is then the URL. */
  remote?: MirrorRemote;
}

/** The remote a mirror stands for, and how this process reaches it. */
export interface MirrorRemote {
  url: string;
  scheme: RemoteScheme;
  access: RemoteAccess;
}

/** A task worktree, with its private git dir found from the repository, never from the worktree's .git. */
export interface WorktreeGit {
  repo: RepoGit;
  /** The worktree as its callers name it. */
  path: string;
  /** Its real path. */
  workTree: string;
  /** `<commonDir>/worktrees/<name>`. */
  gitDir: string;
  /** The task branch, the only branch the worker commits on there. */
  branch: string;
}

export const realpathOr = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

/** Git may search `dir` itself but never its parents (a worktree nested in the user's checkout). */
const ceiling = (dir: string) => ({ GIT_CEILING_DIRECTORIES: path.dirname(realpathOr(dir)) });

/** Repository commands never need a transport; none may run (remote helpers, ssh, upload-pack). */
const NO_TRANSPORT = { GIT_ALLOW_PROTOCOL: '' };

/** git in `cwd` without a pinned repository: only `cwd` itself is searched, unless `discover`. */
export function looseContext(cwd: string, discover = false): GitContext {
  return { cwd, vars: discover ? {} : ceiling(cwd), config: [] };
}

export function repoContext(repo: RepoGit): GitContext {
  const cwd = repo.workTree ?? repo.gitDir;
  const vars: Record<string, string> = { ...ceiling(cwd), ...NO_TRANSPORT, GIT_DIR: repo.gitDir };
  if (repo.workTree) vars.GIT_WORK_TREE = repo.workTree;
  return { cwd, vars, config: [] };
}

export function worktreeContext(wt: WorktreeGit): GitContext {
  return {
    cwd: wt.workTree,
    vars: {
      ...ceiling(wt.workTree),
      ...NO_TRANSPORT,
      GIT_DIR: wt.gitDir,
      GIT_COMMON_DIR: wt.repo.commonDir,
      GIT_WORK_TREE: wt.workTree,
    },
    config: [],
  };
}

/** Another checkout of the repository (where the user has the base branch checked out). */
export function checkoutContext(repo: RepoGit, workTree: string, gitDir: string): GitContext {
  return {
    cwd: workTree,
    vars: {
      ...ceiling(workTree),
      ...NO_TRANSPORT,
      GIT_DIR: gitDir,
      GIT_COMMON_DIR: repo.commonDir,
      GIT_WORK_TREE: workTree,
    },
    config: [],
  };
}

const repos = new Map<string, RepoGit>();

/** The repository at `repoPath` (its top level, or a bare repository), resolved once per process. */
export async function openRepo(repoPath: string): Promise<RepoGit> {
  const key = path.resolve(repoPath);
  const cached = repos.get(key);
  if (cached && existsSync(cached.gitDir)) return cached;
  if (!existsSync(key)) throw new RepoError(`repo ${key} does not exist`);
  const ctx = looseContext(key);
  const dirs = await runGitMaybe(ctx, [
    'rev-parse',
    '--path-format=absolute',
    '--git-dir',
    '--git-common-dir',
    '--is-bare-repository',
  ]);
  if (!dirs) throw new RepoError(`repo ${key} is not the top level of a git repository`);
  const [gitDir = '', commonDir = '', bare] = dirs.split('\n');
  const repo: RepoGit = {
    path: key,
    gitDir: realpathOr(gitDir),
    commonDir: realpathOr(commonDir),
    workTree: bare === 'true' ? null : realpathOr(await runGit(ctx, ['rev-parse', '--show-toplevel'])),
  };
  repos.set(key, repo);
  return repo;
}

const worktrees = new Map<string, WorktreeGit>();

export function registerWorktree(wt: WorktreeGit): void {
  worktrees.set(wt.path, wt);
  worktrees.set(wt.workTree, wt);
}

/** The worktree this process prepared at `dir`, if any. */
export function registeredWorktree(dir: string): WorktreeGit | undefined {
  return worktrees.get(path.resolve(dir)) ?? worktrees.get(realpathOr(dir));
}

export function forgetWorktree(dir: string): void {
  const wt = registeredWorktree(dir);
  if (!wt) return;
  worktrees.delete(wt.path);
  worktrees.delete(wt.workTree);
}
