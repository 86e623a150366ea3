import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readUserTextFile } from '../config/user-file.js';
import { SwarmError } from '../errors/swarm-error.js';
import { findExecutable } from '../process/executable.js';
import { runCommand } from '../process/run-command.js';
import { COREPACK_ENV, ensureCorepackShims } from './corepack.js';
import { withSandboxEnv, type Sandbox } from '../process/sandbox.js';
import {
  detectPackageManager,
  installArgs,
  installErrorLines,
  OUTDATED_LOCKFILE,
  type PackageManager,
} from './package-manager.js';
import {
  adoptIntoCache,
  dependenciesKey,
  installedKey,
  isCached,
  linkCachedTree,
  markInstalled,
  shareable,
} from './shared-node-modules.js';

export interface InstallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onStart?: (pid: number) => void;
  /** The sandbox the install runs in: the one declared step of a task that may use the network. */
  sandbox?: Sandbox;
  /**
   * Where installed trees are kept by key (see dependenciesKey) and shared between the worktrees of
   * a repository; every sandbox must see it read-only. Without it each worktree installs its own.
   */
  cacheDir?: string;
}

/** The repository's lockfile does not match its package.json: installing again cannot help. */
export class OutdatedLockfileError extends SwarmError {
  readonly kind = 'fatal' as const;
  override name = 'OutdatedLockfileError';
}

/** The package manager the repository uses is not installed, and Corepack cannot bring it. */
export class MissingPackageManagerError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'MissingPackageManagerError';
}

/**
 * How to run the manager: itself when on the PATH, else through Corepack (pnpm and yarn; shipped
 * with Node 20), else a MissingPackageManagerError naming it and how the repository asked for it.
 */
async function managerCommand(pm: PackageManager, pathValue: string | undefined, cwd: string): Promise<string> {
  if (await findExecutable(pm.tool, pathValue, cwd)) return pm.tool;
  const why =
    pm.source === 'packageManager' ? `"packageManager": "${pm.tool}@${pm.version}"` : (pm.lockfile ?? pm.tool);
  if (pm.tool !== 'npm' && pm.tool !== 'bun' && (await findExecutable('corepack', pathValue, cwd)))
    return `corepack ${pm.tool}`;
  throw new MissingPackageManagerError(
    `this repository uses ${pm.tool} (${why}) but ${pm.tool} is not on the worker's PATH` +
      (pm.tool === 'bun'
        ? ' and Corepack does not provide bun: install bun on the worker'
        : ' and neither is corepack'),
  );
}

/** npm's record of a finished install, newer than its lockfile (installs from before the marker). */
function npmTreeCurrent(worktree: string, pm: PackageManager): boolean {
  const installed = path.join(worktree, 'node_modules', '.package-lock.json');
  if (pm.name !== 'npm' || !existsSync(installed)) return false;
  const lockfile = pm.lockfile && path.join(worktree, pm.lockfile);
  return !lockfile || statSync(installed).mtimeMs >= statSync(lockfile).mtimeMs;
}

/**
 * Installs a Node repository's dependencies in a worktree when it has some and they are missing or
 * do not match its lockfile (worktrees start without node_modules), with the repository's own
 * package manager and its frozen-lockfile install. With a cache dir, a tree installed once for a
 * lockfile is shared: later worktrees get links to it instead of an install. Returns what it did
 * (the command, or `linked <key>`), or null when nothing was needed; throws naming the command and
 * its first error lines when the install fails (OutdatedLockfileError when the lockfile is stale).
 */
export async function installDependencies(worktree: string, options: InstallOptions): Promise<string | null> {
  const manifest = path.join(worktree, 'package.json');
  if (!existsSync(manifest)) return null;
  // The worktree is the agent's: its package.json may be anything (a FIFO, a link to /dev/zero).
  const pkg = JSON.parse(readUserTextFile(manifest, { maxBytes: 4 * 1024 * 1024 })) as Record<string, unknown>;
  const deps = { ...(pkg.dependencies as object), ...(pkg.devDependencies as object) };
  if (Object.keys(deps).length === 0) return null;
  const pm = detectPackageManager(worktree, pkg);
  const key = dependenciesKey(worktree, pkg, pm);
  const current = await installedKey(worktree);
  if (current === key || (current === null && npmTreeCurrent(worktree, pm))) return null;
  const cacheDir = options.cacheDir && shareable(worktree, pkg, pm) ? options.cacheDir : null;
  const env: Record<string, string> = {
    ...(options.sandbox?.env ?? (process.env as Record<string, string>)),
    ...COREPACK_ENV,
  };
  const run = (command: string) =>
    runCommand({
      cwd: worktree,
      command,
      env,
      timeoutMs: options.timeoutMs,
      outputLimitBytes: 64 * 1024,
      signal: options.signal,
      onStart: options.onStart,
      sandbox: options.sandbox && withSandboxEnv(options.sandbox, env),
    });
  const manager = await managerCommand(pm, env.PATH, worktree);
  // Scripts that call the manager themselves find it through the shims when it comes from Corepack.
  const scriptsCallIt =
    manager.startsWith('corepack ') &&
    Object.values((pkg.scripts ?? {}) as Record<string, string>).some((s) => new RegExp(`\\b${pm.tool}\\b`).test(s));
  if (scriptsCallIt && options.cacheDir) await ensureCorepackShims(options.cacheDir);
  if (cacheDir && isCached(cacheDir, key)) {
    await linkCachedTree(cacheDir, key, worktree);
    // Nothing was installed in this task: its Corepack cache gets the manager now, while there is network.
    if (scriptsCallIt) await run(`${manager} --version`);
    return `linked ${key}`;
  }

  const command = `${manager} ${installArgs(pm).join(' ')}`;
  const result = await run(command);
  if (options.signal?.aborted) throw options.signal.reason;
  if (result.exitCode !== 0) {
    const cause = installErrorLines(result.output);
    const message = `installing dependencies with \`${command}\` in ${worktree} failed (exit ${result.exitCode ?? result.signal}): ${cause}`;
    if (OUTDATED_LOCKFILE.test(result.output))
      throw new OutdatedLockfileError(
        `${message}\n(the lockfile ${pm.lockfile} does not match package.json; update it)`,
      );
    throw new Error(message);
  }
  if (cacheDir) await adoptIntoCache(cacheDir, key, worktree);
  else if (existsSync(path.join(worktree, 'node_modules'))) await markInstalled(worktree, key);
  return command;
}
