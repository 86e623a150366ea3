import type { Sandbox } from '../../process/sandbox.js';
import type { Task } from '../../tasks/task.js';
import type { AgentPrompt } from '../prompt.js';
import type { TokenUsage } from '../usage.js';

export interface AgentRequest {
  task: Task;
  attempt: number;
  worktreePath: string;
  /** Everything the agent is told, the previous attempt's feedback and recalled memories included. */
  prompt: AgentPrompt;
}

export interface AgentProgress {
  turn?: number;
  filesTouched?: number;
  message?: string;
}

export interface AgentContext {
  signal: AbortSignal;
  heartbeat(progress: AgentProgress): void;
  /** The sandbox a CLI runs in (with the network); its env replaces the base allowlist. Without it the CLI runs unconfined. */
  sandbox?: Sandbox;
}

export interface AgentOutcome {
  status: 'completed' | 'failed';
  /** One or two lines: what the agent did, or why it failed. */
  summary: string;
  /** Everything the agent said and did, stored as an artifact. */
  transcript: string;
  filesTouched: string[];
  usage: TokenUsage;
}

/** A coding-agent CLI that runs a whole attempt with its own loop; one implementation per CLI, chosen per model type by configuration. */
export interface ModelAdapter {
  readonly kind: string;
  run(request: AgentRequest, context: AgentContext): Promise<AgentOutcome>;
}
