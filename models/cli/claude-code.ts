import { z } from 'zod';
import { fitsInArgv, promptText, runCliAgent, type CliAdapterOptions, type CliModelAdapter } from './run-cli-agent.js';
import { describeExit, type StreamInterpreter } from './stream-interpreter.js';
import { dispatchByType, StreamTally } from './stream-tally.js';
import { clip } from './transcript.js';

/** Events of `claude -p --output-format stream-json --verbose`, as documented for Claude Code. */
const usageSchema = z.object({
  input_tokens: z.number().default(0),
  output_tokens: z.number().default(0),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
const contentBlock = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) }),
  z.object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]).nullish(),
    is_error: z.boolean().nullish(),
  }),
  z.object({ type: z.string() }),
]);
const systemEvent = z.object({
  type: z.literal('system'),
  subtype: z.string(),
  model: z.string().optional(),
  session_id: z.string().optional(),
});
const assistantEvent = z.object({
  type: z.literal('assistant'),
  message: z.object({ id: z.string().optional(), content: z.array(contentBlock), usage: usageSchema.optional() }),
});
const userEvent = z.object({
  type: z.literal('user'),
  message: z.object({ content: z.union([z.string(), z.array(contentBlock)]) }),
});
const resultEvent = z.object({
  type: z.literal('result'),
  subtype: z.string(),
  is_error: z.boolean(),
  num_turns: z.number().optional(),
  total_cost_usd: z.number().optional(),
  usage: usageSchema.optional(),
  result: z.string().optional(),
  errors: z.array(z.string()).optional(),
});
type Usage = z.infer<typeof usageSchema>;
type ResultEvent = z.infer<typeof resultEvent>;

/** Claude Code's file-writing tools and the input field naming the file. */
const FILE_TOOLS: Record<string, string> = {
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
};

const totalInput = (usage: Usage) =>
  usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);

const RESULT_SUBTYPES: Record<string, string> = {
  error_max_turns: 'reached its turn limit',
  error_during_execution: 'failed during execution',
  error_max_budget_usd: 'reached its budget limit',
};

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((part) => (typeof part?.text === 'string' ? part.text : `[${part?.type}]`)).join('\n');
  return '';
}

function claudeInterpreter(worktree: string, log: (entry: string) => void): StreamInterpreter {
  const tally = new StreamTally(worktree);
  // The stream repeats a message's usage on each of its content-block events: keep the last per message.
  const usageByMessage = new Map<string, Usage>();
  let result: ResultEvent | undefined;

  const handlers = {
    system(event: unknown) {
      const parsed = systemEvent.safeParse(event);
      if (parsed.success)
        log(`[system ${parsed.data.subtype}]${parsed.data.model ? ` model ${parsed.data.model}` : ''}`);
      return parsed.success;
    },
    assistant(event: unknown) {
      const parsed = assistantEvent.safeParse(event);
      if (!parsed.success) return false;
      const { id, content, usage } = parsed.data.message;
      const key = id ?? `anonymous-${usageByMessage.size}`;
      if (!usageByMessage.has(key)) tally.turns++;
      if (usage) usageByMessage.set(key, usage);
      else if (!usageByMessage.has(key)) usageByMessage.set(key, { input_tokens: 0, output_tokens: 0 });
      tally.usage = [...usageByMessage.values()].reduce(
        (sum, u) => ({
          inputTokens: sum.inputTokens + totalInput(u),
          outputTokens: sum.outputTokens + u.output_tokens,
        }),
        { inputTokens: 0, outputTokens: 0 },
      );
      for (const block of content) {
        if (block.type === 'text' && 'text' in block) {
          log(`[assistant] ${block.text}`);
          tally.activity = block.text;
        } else if (block.type === 'tool_use' && 'input' in block) {
          log(`[tool ${block.name}] ${clip(JSON.stringify(block.input), 1_000)}`);
          const fileField = FILE_TOOLS[block.name];
          if (fileField) tally.touch(block.input[fileField]);
          const target = block.input.file_path ?? block.input.command ?? block.input.pattern;
          tally.activity = `${block.name}${typeof target === 'string' ? ` ${target}` : ''}`;
        }
      }
      return true;
    },
    user(event: unknown) {
      const parsed = userEvent.safeParse(event);
      if (!parsed.success) return false;
      const { content } = parsed.data.message;
      if (typeof content === 'string') log(`[user] ${clip(content, 2_000)}`);
      else
        for (const block of content) {
          if (block.type === 'tool_result' && 'tool_use_id' in block) {
            log(`[tool result${block.is_error ? ' error' : ''}] ${clip(toolResultText(block.content), 2_000)}`);
          }
        }
      return true;
    },
    result(event: unknown) {
      const parsed = resultEvent.safeParse(event);
      if (!parsed.success) return false;
      result = parsed.data;
      if (result.num_turns !== undefined) tally.turns = result.num_turns;
      if (result.usage)
        tally.usage = { inputTokens: totalInput(result.usage), outputTokens: result.usage.output_tokens };
      if (result.total_cost_usd !== undefined) tally.costUsd = result.total_cost_usd;
      const cost = result.total_cost_usd !== undefined ? `, $${result.total_cost_usd.toFixed(4)}` : '';
      log(
        `[result ${result.subtype}${result.is_error ? ', error' : ''}] ${tally.turns} turn(s)${cost}${result.result ? `: ${result.result}` : ''}`,
      );
      return true;
    },
  };

  return {
    handle: (event) => dispatchByType(event, handlers),
    turns: () => tally.turns,
    usage: () => tally.usage,
    filesTouched: () => tally.files,
    lastActivity: () => tally.activity,
    costUsd: () => tally.costUsd,
    verdict(exit) {
      const turns = `after ${tally.turns} turn(s)`;
      if (!result) {
        const ended = exit.exitCode === 0 && !exit.signal ? 'ended' : describeExit(exit);
        return {
          status: 'failed',
          summary: `claude-code ${ended} without a result event (${turns}${tally.activity ? `; last: ${clip(tally.activity, 200)}` : ''})`,
        };
      }
      if (result.subtype !== 'success' || result.is_error) {
        const why = RESULT_SUBTYPES[result.subtype] ?? `stopped (${result.subtype})`;
        const detail = result.errors?.join('; ') || result.result;
        return { status: 'failed', summary: `claude-code ${why} ${turns}${detail ? `: ${clip(detail, 400)}` : ''}` };
      }
      if (exit.exitCode !== 0)
        return { status: 'failed', summary: `claude-code reported success but ${describeExit(exit)}` };
      return { status: 'completed', summary: clip(result.result?.trim() || `claude-code finished ${turns}`, 600) };
    },
  };
}

export interface ClaudeCodeOptions extends CliAdapterOptions {
  /** --permission-mode; default "acceptEdits" (file edits allowed, other tools per allowedTools). */
  permissionMode?: 'default' | 'acceptEdits' | 'bypassPermissions' | 'plan';
  /** --allowedTools, e.g. ["Bash(npm test:*)", "Bash(git diff:*)"]. */
  allowedTools?: string[];
  /** --max-turns */
  maxTurns?: number;
}

/** Variables Claude Code reads for credentials and endpoints. */
const CLAUDE_ENV = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_MODEL',
  'CLAUDE_CONFIG_DIR',
];

/** Claude Code (`claude -p … --output-format stream-json --verbose`) as a ModelAdapter. */
export function createClaudeCodeAdapter(options: ClaudeCodeOptions = {}): CliModelAdapter {
  return {
    kind: 'claude-code',
    run(request, context) {
      const prompt = promptText(request);
      const inArgv = fitsInArgv(prompt);
      const args = [
        '-p',
        ...(inArgv ? [prompt] : []),
        '--output-format',
        'stream-json',
        '--verbose',
        '--permission-mode',
        options.permissionMode ?? 'acceptEdits',
        ...(options.model ? ['--model', options.model] : []),
        ...(options.maxTurns ? ['--max-turns', String(options.maxTurns)] : []),
        ...(options.allowedTools?.length ? ['--allowedTools', options.allowedTools.join(',')] : []),
        ...(options.extraArgs ?? []),
      ];
      return runCliAgent(
        {
          kind: 'claude-code',
          binary: options.binary ?? 'claude',
          args,
          stdin: inArgv ? undefined : prompt,
          envNames: CLAUDE_ENV,
          interpret: (log) => claudeInterpreter(request.worktreePath, log),
        },
        options,
        request,
        context,
      );
    },
  };
}
