import { spawn } from 'node:child_process';
import { BoundedOutput } from './bounded-output.js';
import { superviseProcessGroup } from './process-group.js';

export interface RunCommandOptions {
  cwd: string;
  /** Shell command line, run by /bin/sh. */
  command: string;
  env?: NodeJS.ProcessEnv;
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


/**
 * Runs a shell command in its own process group with a timeout, a cancellation signal and bounded
 * output. On timeout or cancel the whole group is terminated, so no grandchild outlives the call.
 */
export function runCommand(options: RunCommandOptions): Promise<RunCommandResult> {
  const started = Date.now();
  const output = new BoundedOutput(options.outputLimitBytes);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, timedOut: false, cancelled: true, durationMs: 0, output: '', outputTruncated: false });
      return;
    }
    const child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const supervision = superviseProcessGroup(child, { timeoutMs: options.timeoutMs, signal: options.signal, killGraceMs: options.killGraceMs ?? 2_000 });

    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('spawn', () => child.pid !== undefined && options.onStart?.(child.pid));
    child.once('error', (err) => {
      supervision.dispose();
      reject(new Error(`cannot run "${options.command}" in ${options.cwd}: ${err.message}`, { cause: err }));
    });
    child.once('close', (exitCode, signal) => {
      supervision.dispose();
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
