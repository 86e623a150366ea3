import type { TokenUsage } from '../usage.js';
import type { AgentProcessExit } from './agent-process.js';

/** How one JSON line of a CLI's event stream was taken. */
export type EventHandling = 'handled' | 'unknown-type' | 'invalid';

export interface StreamVerdict {
  status: 'completed' | 'failed';
  summary: string;
}

/**
 * Reads one CLI's documented event stream: keeps the counts for heartbeats, writes the transcript,
 * and decides success from the stream's result event and the exit code (never from the wording).
 */
export interface StreamInterpreter {
  handle(event: unknown): EventHandling;
  turns(): number;
  usage(): TokenUsage;
  /** Worktree-relative paths the agent reported writing. */
  filesTouched(): ReadonlySet<string>;
  /** What the agent did last, for progress messages. */
  lastActivity(): string | undefined;
  /** Cost the CLI reported, when it reports one. */
  costUsd(): number | null;
  /** The model the CLI says it used (its init event), when it says. */
  model(): string | undefined;
  /** Grows with each real step of work (a turn, a tool call, tokens used); retries and chatter leave it. */
  progress(): number;
  /** The error messages the CLI printed in its stream, oldest first. */
  errors(): readonly string[];
  /** Called once the process ended by itself (not by timeout or cancel). */
  verdict(exit: AgentProcessExit): StreamVerdict;
}

/** Describes how a process ended, for summaries: "exited with code 1" or "was killed by SIGKILL". */
export const describeExit = (exit: Pick<AgentProcessExit, 'exitCode' | 'signal'>) =>
  exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
