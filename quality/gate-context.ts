import type { CheckResult } from './snapshot.js';

/**
 * How a running gate reports progress and learns it is cancelled: every command it starts (the
 * dependency install as `install`, then each check by name) is announced with its process group
 * id, e.g. to heartbeat it so a retry after a crash can kill it.
 */
export interface GateProgress {
  /** Aborting kills the running command; the gate then throws the signal's reason. */
  signal?: AbortSignal;
  onCommandStart?: (step: string, pid: number) => void;
}

/** One finished check run as the gate hands it to storage (a check_runs row without task, attempt and round). */
export interface GateCheckRun {
  name: string;
  command: string;
  exitCode: number | null;
  passed: boolean;
  timedOut: boolean;
  durationMs: number;
  /** The command's whole bounded output. */
  output: string;
  outputTruncated: boolean;
  result: CheckResult;
}

/**
 * What the gate for one (task, attempt, round) needs from the outside: the runs it already stored
 * there (a gate resumed after a crash does not run those checks again) and where to store each
 * check run as it finishes.
 */
export interface GateContext extends GateProgress {
  /** Stored runs; a `result` that does not parse as a CheckResult counts as not run. */
  previousRuns: () => Promise<ReadonlyArray<{ name: string; result: unknown }>>;
  recordRun: (run: GateCheckRun) => Promise<void>;
}

/** Throws the cancellation reason once the signal is aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}
