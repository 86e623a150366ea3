import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { clampToHost } from './host-limits.js';
import { sandboxEnv } from './sandbox-env.js';
import type { Sandbox, SandboxKind, SandboxLimits } from './sandbox-policy.js';

/** The worker-wide part of every task's sandbox, fixed at worker start. */
export interface SandboxSettings {
  kind: SandboxKind;
  limits: SandboxLimits;
  /** Per-task sandbox directories live in `<stateRoot>/<task id>/{home,tmp}`. */
  stateRoot: string;
  /** Host directories no sandbox sees (real paths). */
  hidden: string[];
  /** Where PATH, the locale and passed variables are read from (the worker's env). */
  sourceEnv: Record<string, string | undefined>;
  /** Host directories every sandbox reads but none writes, e.g. the shared dependency trees (real paths). */
  sharedReadOnly: string[];
}

export interface SandboxSettingsInput {
  kind: SandboxKind;
  limits: SandboxLimits;
  /** SWARM_HOME: the database, other tasks' worktrees, the dev server's state. */
  swarmHome: string;
  /** The worker's own HOME: credentials, CLI logins, caches. */
  workerHome: string;
  /** Further directories to hide, e.g. the worktrees dir or the database's directory when outside SWARM_HOME. */
  alsoHidden?: string[];
  /** Directories every sandbox may read, even inside a hidden one (the dependency cache in SWARM_HOME). */
  sharedReadOnly?: string[];
  sourceEnv: Record<string, string | undefined>;
}

const real = (p: string) => (existsSync(p) ? realpathSync(p) : path.resolve(p));

/** Paths worth a tmpfs: existing directories, never `/` itself (that would hide the toolchain). */
function hideable(paths: string[]): string[] {
  return [...new Set(paths.map(real))].filter((p) => p !== '/' && existsSync(p));
}

export function sandboxSettings(input: SandboxSettingsInput): SandboxSettings {
  const stateRoot = path.join(path.resolve(input.swarmHome), 'sandboxes');
  return {
    kind: input.kind,
    limits: clampToHost(input.limits),
    stateRoot,
    hidden: hideable([input.workerHome, input.swarmHome, ...(input.alsoHidden ?? [])]),
    sourceEnv: input.sourceEnv,
    sharedReadOnly: hideable(input.sharedReadOnly ?? []),
  };
}

/**
 * The git directories a worktree's `.git` file points into: the worktree's own gitdir
 * (`<repo>/.git/worktrees/<id>`) and the repository's common dir, so git works inside the sandbox
 * while the user's working tree stays hidden. Empty when `.git` is a directory in the worktree.
 */
export async function gitDirsOf(worktree: string): Promise<string[]> {
  const dotGit = path.join(worktree, '.git');
  const info = await stat(dotGit).catch(() => null);
  if (!info?.isFile()) return [];
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8'));
  if (!match) return [];
  const gitDir = real(path.resolve(worktree, match[1]!));
  const commonFile = path.join(gitDir, 'commondir');
  const common = existsSync(commonFile)
    ? real(path.resolve(gitDir, (await readFile(commonFile, 'utf8')).trim()))
    : gitDir;
  return gitDir === common || gitDir.startsWith(`${common}${path.sep}`) ? [common] : [common, gitDir];
}

const isInside = (child: string, parent: string) => child === parent || child.startsWith(`${parent}${path.sep}`);

export interface TaskSandboxOptions {
  /** Names the task's sandbox directories: the task id. */
  key: string;
  worktree: string;
  /** The user's repository: its working tree is hidden, its git directory readable. */
  repo?: string;
  /** Dependency installs and coding-agent CLIs need the network; agent commands and checks do not get it. */
  network: boolean;
  /** Variables handed in by name, e.g. a CLI's API key. */
  passEnv?: readonly string[];
}

/**
 * One task's sandbox: its worktree writable, its own /tmp and HOME (kept across its commands),
 * the user's repository hidden but for its git directory (read-only), SWARM_HOME and the worker's
 * HOME hidden, and the cleared environment. Creates the task's sandbox directories.
 */
export async function taskSandbox(settings: SandboxSettings, options: TaskSandboxOptions): Promise<Sandbox> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.key))
    throw new Error(`sandbox key must be a plain name, got "${options.key}"`);
  await mkdir(path.join(settings.stateRoot, options.key, 'tmp'), { recursive: true, mode: 0o700 });
  await mkdir(path.join(settings.stateRoot, options.key, 'home'), { recursive: true, mode: 0o700 });
  const stateDir = real(path.join(settings.stateRoot, options.key));
  const scratchDir = path.join(stateDir, 'tmp');
  const homeDir = path.join(stateDir, 'home');
  const worktree = real(options.worktree);
  const hidden = hideable([...settings.hidden, ...(options.repo ? [options.repo] : [])]);
  // A toolchain installed under a hidden directory (nvm in the worker's HOME) stays usable, read-only.
  const nodePrefix = path.dirname(path.dirname(real(process.execPath)));
  const readOnly = [
    ...(await gitDirsOf(worktree)),
    ...(settings.sharedReadOnly ?? []),
    ...(hidden.some((h) => isInside(nodePrefix, h)) ? [nodePrefix] : []),
  ];
  return {
    kind: settings.kind,
    worktree,
    scratchDir,
    homeDir,
    stateDir,
    writable: [],
    readOnly,
    hidden,
    network: options.network,
    env: sandboxEnv(settings.sourceEnv, {
      kind: settings.kind,
      homeDir,
      scratchDir,
      network: options.network,
      passEnv: options.passEnv,
    }),
    limits: settings.limits,
  };
}

/** Removes a task's sandbox directories (its /tmp and HOME) once the task is done. */
export async function removeTaskSandbox(settings: SandboxSettings, key: string): Promise<void> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key)) return;
  await rm(path.join(settings.stateRoot, key), { recursive: true, force: true });
}
