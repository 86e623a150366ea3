import { spawn } from 'node:child_process';
import { BoundedOutput } from './bounded-output.js';

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

/** Kills a whole process group; true when it existed. */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
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
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (child.pid === undefined) return;
      killProcessGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => child.pid !== undefined && killProcessGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 2_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('spawn', () => child.pid !== undefined && options.onStart?.(child.pid));
    child.once('error', (err) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(new Error(`cannot run "${options.command}" in ${options.cwd}: ${err.message}`, { cause: err }));
    });
    // A background grandchild may outlive the shell and hold the pipes open: end the group on exit.
    child.once('exit', () => child.pid !== undefined && killProcessGroup(child.pid, 'SIGKILL'));
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve({
        exitCode,
        signal,
        timedOut,
        cancelled,
        durationMs: Date.now() - started,
        output: output.toString(),
        outputTruncated: output.truncated,
      });
    });
  });
}
