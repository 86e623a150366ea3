import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readUserTextFile } from '../config/user-file.js';
import { runCommand } from '../process/run-command.js';
import type { Sandbox } from '../process/sandbox.js';

export interface InstallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onStart?: (pid: number) => void;
  /** The sandbox the install runs in: the one declared step of a task that may use the network. */
  sandbox?: Sandbox;
}

/**
 * Installs a Node repository's dependencies in a worktree when it has some and they are missing or
 * older than its lockfile (worktrees start without node_modules). Returns the command it ran, or
 * null when nothing was needed; throws naming the command when the install fails.
 */
export async function installDependencies(worktree: string, options: InstallOptions): Promise<string | null> {
  const manifest = path.join(worktree, 'package.json');
  if (!existsSync(manifest)) return null;
  // The worktree is the agent's: its package.json may be anything (a FIFO, a link to /dev/zero).
  const pkg = JSON.parse(readUserTextFile(manifest, { maxBytes: 4 * 1024 * 1024 })) as {
    dependencies?: object;
    devDependencies?: object;
  };
  if (Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).length === 0) return null;
  const lockfile = path.join(worktree, 'package-lock.json');
  const installed = path.join(worktree, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && (!existsSync(lockfile) || statSync(installed).mtimeMs >= statSync(lockfile).mtimeMs))
    return null;

  const command = existsSync(lockfile) ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund';
  const result = await runCommand({
    cwd: worktree,
    command,
    timeoutMs: options.timeoutMs,
    outputLimitBytes: 16 * 1024,
    signal: options.signal,
    onStart: options.onStart,
    sandbox: options.sandbox,
  });
  if (options.signal?.aborted) throw options.signal.reason;
  if (result.exitCode !== 0) {
    throw new Error(
      `installing dependencies with \`${command}\` in ${worktree} failed (exit ${result.exitCode ?? result.signal}): ${result.output.slice(-2_000)}`,
    );
  }
  return command;
}
