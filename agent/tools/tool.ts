import { z } from 'zod';
import { SwarmError } from '../../errors/swarm-error.js';
import type { Sandbox } from '../../process/sandbox.js';

/** What a tool call gives back to the model. Tool failures are outcomes, never exceptions. */
export interface ToolOutcome {
  ok: boolean;
  output: string;
  /** Worktree-relative path of the file this call created or changed. */
  changedPath?: string;
  /** Set by `finish`: the agent says it is done. */
  finished?: { summary: string; success: boolean };
}

export interface ToolLimits {
  /** Largest tool output handed back to the model, in characters. */
  maxOutputChars: number;
  maxReadLines: number;
  maxListEntries: number;
  maxSearchMatches: number;
  defaultCommandTimeoutMs: number;
  maxCommandTimeoutMs: number;
  commandOutputLimitBytes: number;
  /** Largest file a write, edit or append may leave behind. */
  maxFileBytes: number;
}

export interface ToolEnvironment {
  worktree: string;
  limits: ToolLimits;
  /** The environment commands run with: an allowlist, never the worker's whole environment. */
  commandEnv: Record<string, string>;
  /** Where `run_command` runs its commands; with it, the sandbox's env replaces `commandEnv`. */
  sandbox?: Sandbox;
  signal?: AbortSignal;
  /** Told the process group id of each command started, so a crashed run's orphans can be found. */
  onCommandStart?: (pid: number) => void;
}

/** A failure the model should read (bad arguments, missing file, ...): returned to it as a tool error. */
export class ToolError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'ToolError';
}

export interface AgentTool<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: Schema;
  run(input: z.output<Schema>, env: ToolEnvironment): Promise<ToolOutcome>;
}

export const defineTool = <Schema extends z.ZodType>(tool: AgentTool<Schema>): AgentTool<Schema> => tool;

/** Shortens text to `max` characters, saying how much was cut so the model knows to narrow its request. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… [${text.length - max} more characters not shown]`;
}

/** The input schema as JSON Schema for the model's tool definitions. */
export function toolInputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  return json;
}
