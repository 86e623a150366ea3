import { spawn } from 'node:child_process';
import { BoundedOutput } from '../../process/bounded-output.js';
import { superviseProcessGroup } from '../../process/process-group.js';
import { exposeExecutable } from '../../process/executable.js';
import { prepareSandbox, sandboxExit, wrapCommand, type Sandbox } from '../../process/sandbox.js';
import { LineSplitter } from './line-splitter.js';
import { SwarmError } from '../../errors/swarm-error.js';

/** The CLI binary could not be started (not installed, not executable): a worker setup problem. */
export class CliUnavailableError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'CliUnavailableError';
}

export interface AgentProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The CLI's whole environment (with a sandbox: the sandbox's env plus the CLI's own variables). */
  env: Record<string, string>;
  /** Runs the CLI inside this sandbox (bwrap with the network, or kind `none`). */
  sandbox?: Sandbox;
  /** Written to the process's stdin, which is then closed. Without it stdin is /dev/null. */
  stdin?: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL of the process group on timeout or cancel. */
  killGraceMs: number;
  maxLineBytes: number;
  stderrLimitBytes: number;
  /** Each stdout line as it arrives; `oversized` when it was cut at maxLineBytes. */
  onLine(line: string, oversized: boolean): void;
}

export interface AgentProcessExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** The end of stderr, bounded. */
  stderr: string;
}

/**
 * Runs a coding-agent CLI in its own process group, handing over stdout line by line. On timeout
 * or cancel the whole group gets SIGTERM, then SIGKILL; when the CLI exits, whatever it left
 * running in its group (servers, watchers) is killed too.
 */
export async function runAgentProcess(options: AgentProcessOptions): Promise<AgentProcessExit> {
  const started = Date.now();
  if (options.signal.aborted)
    return { exitCode: null, signal: null, timedOut: false, cancelled: true, durationMs: 0, stderr: '' };
  let spec = { file: options.command, args: options.args, env: options.env };
  if (options.sandbox) {
    const exposed = await exposeExecutable({ ...options.sandbox, env: options.env }, options.command, options.cwd);
    if (!exposed) throw new CliUnavailableError(`cannot start ${options.command}: not found`);
    await prepareSandbox(exposed.sandbox);
    spec = wrapCommand(exposed.sandbox, [exposed.command, ...options.args], options.cwd);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(spec.file, spec.args, {
      cwd: options.cwd,
      env: spec.env,
      detached: true,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stderr = new BoundedOutput(options.stderrLimitBytes);
    const lines = new LineSplitter(options.maxLineBytes, options.onLine);
    const supervision = superviseProcessGroup(child, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      killGraceMs: options.killGraceMs,
    });

    if (child.stdin) {
      // The CLI may exit without reading its input; that is not our failure.
      child.stdin.on('error', () => {});
      child.stdin.end(options.stdin);
    }
    child.stdout!.on('data', (chunk: Buffer) => lines.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (err: NodeJS.ErrnoException) => {
      supervision.dispose();
      reject(
        new CliUnavailableError(
          `cannot start ${options.command}: ${err.code === 'ENOENT' ? 'not found' : err.message}`,
          { cause: err },
        ),
      );
    });
    child.once('close', (code, signalCode) => {
      supervision.dispose();
      lines.end();
      const { exitCode, signal } =
        options.sandbox?.kind === 'bubblewrap' ? sandboxExit(code, signalCode) : { exitCode: code, signal: signalCode };
      resolve({
        exitCode,
        signal,
        timedOut: supervision.timedOut,
        cancelled: supervision.cancelled,
        durationMs: Date.now() - started,
        stderr: stderr.toString(),
      });
    });
  });
}
