import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/project-root.js';

const SWARM_BIN = path.join(PROJECT_ROOT, 'bin/swarm.js');

export interface WorkerProcessOptions {
  /** Append the worker's output to this file instead of sharing this process's terminal. */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Run it in its own process group: a Ctrl-C in the terminal then reaches only this process, which
   * must stop the worker itself (stopWorker: exactly one SIGTERM, so it drains and goes offline).
   */
  ownProcessGroup?: boolean;
}

/**
 * Starts `swarm worker --model <type>` as a child process, with this process's environment unless
 * given one.
 */
export function spawnWorker(modelType: string, options: WorkerProcessOptions = {}): ChildProcess {
  let stdio: StdioOptions = 'inherit';
  if (options.logFile) {
    mkdirSync(path.dirname(options.logFile), { recursive: true });
    const log = openSync(options.logFile, 'a');
    stdio = ['ignore', log, log];
  }
  return spawn(process.execPath, [SWARM_BIN, 'worker', '--model', modelType], {
    stdio,
    env: options.env ?? process.env,
    detached: options.ownProcessGroup ?? false,
  });
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Asks a worker to shut down gracefully (SIGTERM) and waits until it has exited. */
export function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (exited(child)) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface SupervisedExit {
  modelType: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SuperviseOptions {
  env?: NodeJS.ProcessEnv;
  /** Each worker logs to `<logDir>/worker-<type>.log` instead of sharing this process's terminal. */
  logDir?: string;
  /** Stops the workers when aborted; SIGINT and SIGTERM to this process always do. */
  stop?: AbortSignal;
  /** Told of each stop request after the first (the workers are still draining). */
  onRepeatedStop?: () => void;
}

/**
 * Runs one worker process per model type until all of them have exited, or until this process
 * gets SIGINT/SIGTERM (or `stop` aborts): then stops those still running and waits for them.
 */
export async function superviseWorkers(
  modelTypes: string[],
  options: SuperviseOptions = {},
): Promise<SupervisedExit[]> {
  const baseEnv = options.env ?? process.env;
  const metricsPort = Number(baseEnv.SWARM_METRICS_PORT) || null;
  const workers = modelTypes.map((modelType, i) => ({
    modelType,
    child: spawnWorker(modelType, {
      // One metrics port per worker on this host: the configured one, then the next ones.
      env: metricsPort ? { ...baseEnv, SWARM_METRICS_PORT: String(metricsPort + i) } : baseEnv,
      logFile: options.logDir && path.join(options.logDir, `worker-${modelType}.log`),
      ownProcessGroup: true,
    }),
  }));
  let stop = () => {};
  try {
    await new Promise<void>((resolve) => {
      let stopping = false;
      stop = () => {
        if (stopping) {
          options.onRepeatedStop?.();
          return;
        }
        stopping = true;
        void Promise.all(workers.map((w) => stopWorker(w.child))).then(() => resolve());
      };
      // Kept until the workers are gone: a second Ctrl-C must not kill this process while they drain.
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      if (options.stop?.aborted) stop();
      options.stop?.addEventListener('abort', stop, { once: true });
      const allExited = () => workers.every((w) => exited(w.child)) && resolve();
      for (const w of workers) {
        if (exited(w.child)) allExited();
        else w.child.once('exit', allExited);
      }
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    options.stop?.removeEventListener('abort', stop);
  }
  return workers.map(({ modelType, child }) => ({ modelType, code: child.exitCode, signal: child.signalCode }));
}
