import type { Sandbox } from '../process/sandbox.js';
import type { Task } from '../tasks/task.js';

/** One attempt at a task, in its prepared worktree. */
export interface AttemptRequest {
  task: Task;
  worktreePath: string;
  attempt: number;
  modelType: string;
  /** The previous attempt's feedback, told to this attempt. */
  feedbackArtifactId: string | null;
}

/** What the agent reports while it works. */
export interface AttemptProgress {
  turn?: number;
  toolCalls?: number;
  filesTouched?: number;
  message?: string;
}

/**
 * What the runner of an attempt step (a Temporal activity, or a test) hands the agent code: plain
 * callbacks and a signal, nothing of Temporal.
 */
export interface AttemptContext {
  /** Aborts when the step is cancelled. */
  signal: AbortSignal;
  /** The runner's try number of this step, so a model call repeated after a crash is accounted separately. */
  tryNumber: number;
  /** The latest progress; the runner decides when to report it. */
  heartbeat(progress: AttemptProgress): void;
  /** Told the process group id of each command a tool starts, so a crashed try's orphans can be found. */
  onProcessStart(pid: number): void;
  /** Where the agent's commands (and a CLI agent itself) run; without one they run unconfined. */
  sandbox?: Sandbox;
}
