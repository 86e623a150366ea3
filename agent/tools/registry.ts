import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { formatZodError } from '../../config/format-zod-error.js';
import type { ToolSpec } from '../../models/chat-model.js';
import { allowlistedEnv, BASE_ENV_ALLOWLIST } from '../../models/env-allowlist.js';
import { appendFileTool } from './append-file.js';
import { deleteFileTool } from './delete-file.js';
import type { Sandbox } from '../../process/sandbox.js';
import { editFileTool } from './edit-file.js';
import { finishTool } from './finish.js';
import { listDirectoryTool } from './list-directory.js';
import { readFileTool } from './read-file.js';
import { runCommandTool } from './run-command-tool.js';
import { searchTool } from './search.js';
import {
  clipText,
  ToolError,
  toolInputJsonSchema,
  type AgentTool,
  type ToolEnvironment,
  type ToolLimits,
  type ToolOutcome,
} from './tool.js';
import { writeFileTool } from './write-file.js';
import { PathRefusedError } from './worktree-path.js';

export const AGENT_TOOLS: readonly AgentTool[] = [
  readFileTool,
  writeFileTool,
  editFileTool,
  appendFileTool,
  deleteFileTool,
  listDirectoryTool,
  searchTool,
  runCommandTool,
  finishTool,
];

export const DEFAULT_TOOL_LIMITS: ToolLimits = {
  maxOutputChars: 64_000,
  maxReadLines: 2_000,
  maxListEntries: 500,
  maxSearchMatches: 200,
  defaultCommandTimeoutMs: 120_000,
  maxCommandTimeoutMs: 600_000,
  commandOutputLimitBytes: 32 * 1024,
  maxFileBytes: 5 * 1024 * 1024,
};

export interface AgentToolboxOptions {
  /** The task's worktree: every path is resolved in it, every command runs in it. */
  worktree: string;
  limits?: Partial<ToolLimits>;
  /** Environment for `run_command`. Default: the base allowlist (PATH, HOME, LANG, ...) taken from `process.env`. */
  commandEnv?: Record<string, string>;
  /** The task's sandbox: every `run_command` runs in it (no network), with its env. Without it commands run unconfined. */
  sandbox?: Sandbox;
  /** Told the process group id of each command `run_command` starts, e.g. for a heartbeat. */
  onCommandStart?: (pid: number) => void;
}

export interface AgentToolbox {
  /** Tool definitions for the model (`ChatModel.step({ tools })`). */
  readonly specs: ToolSpec[];
  /** Runs one tool call. Never throws for a tool failure: the outcome says `ok: false` and why. */
  execute(name: string, input: unknown, options?: { signal?: AbortSignal }): Promise<ToolOutcome>;
}

const ERRNO_MESSAGES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EEXIST: 'already exists',
};

function describeFailure(err: unknown): string {
  if (err instanceof ToolError || err instanceof PathRefusedError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code && ERRNO_MESSAGES[code]) {
    const where = (err as NodeJS.ErrnoException).path;
    return `${ERRNO_MESSAGES[code]}${where ? `: ${where}` : ''}`;
  }
  return `the tool failed: ${(err as Error).message ?? String(err)}`;
}

/** The agent's tools, bound to one worktree. */
export function createAgentToolbox(options: AgentToolboxOptions): AgentToolbox {
  const limits = { ...DEFAULT_TOOL_LIMITS, ...options.limits };
  const commandEnv = options.commandEnv ?? allowlistedEnv(process.env, BASE_ENV_ALLOWLIST);
  const byName = new Map(AGENT_TOOLS.map((tool) => [tool.name, tool]));
  // Absolute worktree paths in errno messages mean nothing to the model: show them relative.
  const hideWorktree = async (text: string) => {
    const roots = [await realpath(options.worktree).catch(() => options.worktree), path.resolve(options.worktree)];
    return roots.reduce((result, root) => result.split(`${root}${path.sep}`).join('').split(root).join('.'), text);
  };

  return {
    specs: AGENT_TOOLS.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: toolInputJsonSchema(tool.input),
    })),
    async execute(name, input, { signal } = {}) {
      const tool = byName.get(name);
      if (!tool) return { ok: false, output: `unknown tool "${name}"; available: ${[...byName.keys()].join(', ')}` };
      const parsed = tool.input.safeParse(input);
      if (!parsed.success) return { ok: false, output: `invalid input for ${name}: ${formatZodError(parsed.error)}` };
      const env: ToolEnvironment = {
        worktree: options.worktree,
        limits,
        commandEnv,
        sandbox: options.sandbox,
        signal,
        onCommandStart: options.onCommandStart,
      };
      try {
        const outcome = await tool.run(parsed.data, env);
        return { ...outcome, output: clipText(outcome.output, limits.maxOutputChars) };
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        return { ok: false, output: clipText(await hideWorktree(describeFailure(err)), limits.maxOutputChars) };
      }
    },
  };
}
