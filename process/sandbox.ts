import { mkdir } from 'node:fs/promises';
import { constants } from 'node:os';
import { bubblewrapArgs } from './sandbox-args.js';
import type { Sandbox } from './sandbox-policy.js';

export { bubblewrapArgs, prlimitArgs } from './sandbox-args.js';
export { sandboxEnv } from './sandbox-env.js';
export {
  DEFAULT_SANDBOX_LIMITS,
  sandboxKindSchema,
  sandboxLimitsSchema,
  type Sandbox,
  type SandboxKind,
  type SandboxLimits,
} from './sandbox-policy.js';

export const BWRAP = 'bwrap';

/** What to spawn: the program, its arguments and its whole environment. */
export interface SpawnSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * The process to spawn for `command` (a shell command line, run by /bin/sh, or an argv) in the
 * sandbox: bwrap around it, or the command itself for kind `none`, always with the sandbox's env.
 */
export function wrapCommand(
  sandbox: Sandbox,
  command: string | readonly string[],
  cwd: string = sandbox.worktree,
): SpawnSpec {
  const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : [...command];
  if (argv.length === 0) throw new Error('cannot run an empty command');
  if (sandbox.kind === 'none') return { file: argv[0]!, args: argv.slice(1), env: { ...sandbox.env } };
  return { file: BWRAP, args: bubblewrapArgs(sandbox, argv, cwd), env: { ...sandbox.env } };
}

/** Creates the directories the sandbox binds (scratch, home), which must exist before bwrap starts. */
export async function prepareSandbox(sandbox: Sandbox): Promise<void> {
  await mkdir(sandbox.scratchDir, { recursive: true, mode: 0o700 });
  await mkdir(sandbox.homeDir, { recursive: true, mode: 0o700 });
}

/** The same sandbox with further variables set (e.g. a PATH with the repository's own tools first). */
export const withSandboxEnv = (sandbox: Sandbox, env: Record<string, string>): Sandbox => ({
  ...sandbox,
  env: { ...sandbox.env, ...env },
});

/** The same sandbox with further host paths writable, e.g. a directory a check writes its report into. */
export const withWritable = (sandbox: Sandbox, ...paths: string[]): Sandbox => ({
  ...sandbox,
  writable: [...sandbox.writable, ...paths],
});

/** The same sandbox with further host paths readable, e.g. a prompt file for a CLI. */
export const withReadOnly = (sandbox: Sandbox, ...paths: string[]): Sandbox => ({
  ...sandbox,
  readOnly: [...sandbox.readOnly, ...paths],
});

const SIGNAL_NAMES = new Map(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

/**
 * bwrap reports a command killed by a signal as exit code 128 + the signal (as a shell does): read
 * it back as the signal, so an rlimit's SIGXCPU / SIGXFSZ or the OOM killer's SIGKILL shows as such.
 * (A command that itself exits with 128 + n is indistinguishable, as it is under a shell.)
 */
export function sandboxExit(
  exitCode: number | null,
  signal: NodeJS.Signals | null,
): { exitCode: number | null; signal: NodeJS.Signals | null } {
  const name = exitCode !== null && exitCode > 128 ? SIGNAL_NAMES.get(exitCode - 128) : undefined;
  return name && signal === null ? { exitCode: null, signal: name } : { exitCode, signal };
}
