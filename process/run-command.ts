import { spawn } from 'node:child_process';
import { BoundedOutput } from './bounded-output.js';
import { superviseProcessGroup } from './process-group.js';
import { prepareSandbox, sandboxExit, wrapCommand, type Sandbox, type SpawnSpec } from './sandbox.js';

export interface RunCommandOptions {
  cwd: string;
  /** Shell command line, run by /bin/sh. */
  command: string;
  /** Environment without a sandbox (default process.env); a sandbox brings its own. */
  env?: NodeJS.ProcessEnv;
  /** Runs the command in this sandbox (bwrap, or kind `none`) with the sandbox's environment. */
  sandbox?: Sandbox;
  timeoutMs: number;
  outputLimitBytes: number;
  signal?: AbortSignal;
  /** Called once the process has started, e.g. to record its pid in a heartbeat. */
  onStart?: (pid: number) => void;
  /** Time between SIGTERM and SIGKILL of the process group. */
  killGraceMs?: number;
}

export interface RunCommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** stdout and stderr interleaved as they arrived, bounded to outputLimitBytes. */
  output: string;
  outputTruncated: boolean;
}

const CANCELLED: RunCommandResult = {
  exitCode: null,
  signal: null,
  timedOut: false,
  cancelled: true,
  durationMs: 0,
  output: '',
  outputTruncated: false,
};

/**
 * Runs a shell command in its own process group with a timeout, a cancellation signal and bounded
 * output. On timeout or cancel the whole group is terminated, so no grandchild outlives the call.
 * In a bubblewrap sandbox the group is bwrap's: killing it ends the sandbox's PID namespace, and
 * with it every process inside, also those that left the group with `setsid`.
 */
export async function runCommand(options: RunCommandOptions): Promise<RunCommandResult> {
  if (options.signal?.aborted) return CANCELLED;
  let spec: SpawnSpec = {
    file: '/bin/sh',
    args: ['-c', options.command],
    env: (options.env ?? process.env) as Record<string, string>,
  };
  if (options.sandbox) {
    await prepareSandbox(options.sandbox);
    spec = wrapCommand(options.sandbox, options.command, options.cwd);
  }
  return spawnSupervised(options, spec);
}

function spawnSupervised(options: RunCommandOptions, spec: SpawnSpec): Promise<RunCommandResult> {
  const started = Date.now();
  const output = new BoundedOutput(options.outputLimitBytes);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return resolve(CANCELLED);
    const child = spawn(spec.file, spec.args, {
      cwd: options.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const supervision = superviseProcessGroup(child, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      killGraceMs: options.killGraceMs ?? 2_000,
    });

    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('spawn', () => child.pid !== undefined && options.onStart?.(child.pid));
    child.once('error', (err) => {
      supervision.dispose();
      reject(new Error(`cannot run "${options.command}" in ${options.cwd}: ${err.message}`, { cause: err }));
    });
    child.once('close', (code, signalCode) => {
      supervision.dispose();
      const { exitCode, signal } =
        options.sandbox?.kind === 'bubblewrap' ? sandboxExit(code, signalCode) : { exitCode: code, signal: signalCode };
      resolve({
        exitCode,
        signal,
        timedOut: supervision.timedOut,
        cancelled: supervision.cancelled,
        durationMs: Date.now() - started,
        output: output.toString(),
        outputTruncated: output.truncated,
      });
    });
  });
}
