import type { Sandbox } from '../process/sandbox.js';
import { corepackShimDir } from '../workspace/corepack.js';
import { installDependencies } from '../workspace/dependencies.js';
import type { CollectOptions } from './collect-check.js';
import type { GateProgress } from './gate-context.js';

/** Where and within which limits the gate's commands run. */
export interface GateCommandOptions {
  worktree: string;
  /** Per command (the install and each check). */
  timeoutMs: number;
  /** Bound of the output kept in memory per check command. */
  outputLimitBytes: number;
  /** Base environment of the checks (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where the checks run (no network); without one they run unconfined. */
  sandbox?: Sandbox;
  /** Where the dependency install runs (with the network). */
  installSandbox?: Sandbox;
  /** Where installed dependency trees are shared between worktrees; without it each installs its own. */
  dependencyCacheDir?: string;
}

/** The options every check command of the gate runs with, reporting its start to `progress`. */
export function checkOptions(options: GateCommandOptions, progress: GateProgress): CollectOptions {
  return {
    worktree: options.worktree,
    timeoutMs: options.timeoutMs,
    outputLimitBytes: options.outputLimitBytes,
    env: options.env,
    sandbox: options.sandbox,
    laterPath: options.dependencyCacheDir ? [corepackShimDir(options.dependencyCacheDir)] : [],
    signal: progress.signal,
    onStart: (check, pid) => progress.onCommandStart?.(check.name, pid),
  };
}

/** Installs the worktree's dependencies when they are missing or stale (see installDependencies). */
export async function installGateDependencies(options: GateCommandOptions, progress: GateProgress): Promise<void> {
  await installDependencies(options.worktree, {
    timeoutMs: options.timeoutMs,
    signal: progress.signal,
    onStart: (pid) => progress.onCommandStart?.('install', pid),
    sandbox: options.installSandbox,
    cacheDir: options.dependencyCacheDir,
  });
}
