import { z } from 'zod';
import { fitsInArgv, promptText, runCliAgent, type CliAdapterOptions, type CliModelAdapter } from './run-cli-agent.js';
import { describeExit, type StreamInterpreter } from './stream-interpreter.js';
import { dispatchByType, StreamTally } from './stream-tally.js';
import { clip } from './transcript.js';
import type { TokenUsage } from '../usage.js';

/** Events of `claude -p --output-format stream-json --verbose`, as documented for Claude Code. */
const usageSchema = z.object({
  input_tokens: z.number().default(0),
  output_tokens: z.number().default(0),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  output_tokens_details: z.object({ thinking_tokens: z.number().nullish() }).nullish(),
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
  // api_retry: a failed API call Claude Code is about to retry.
  attempt: z.number().optional(),
  max_retries: z.number().optional(),
  error_status: z.number().nullish(),
  error: z.string().nullish(),
});
const assistantEvent = z.object({
  type: z.literal('assistant'),
  message: z.object({ id: z.string().optional(), content: z.array(contentBlock), usage: usageSchema.optional() }),
  /** Set when the "message" is Claude Code reporting an API error (e.g. "authentication_failed"). */
  error: z.string().optional(),
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
  api_error_status: z.number().nullish(),
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

/** Claude's usage as ours: input with cache writes and reads, output with thinking. */
const tokenUsage = (usage: Usage): TokenUsage => ({
  inputTokens: totalInput(usage),
  outputTokens: usage.output_tokens,
  cachedInputTokens: usage.cache_read_input_tokens ?? 0,
  reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
});
const sumUsage = (all: Iterable<Usage>): TokenUsage => {
  const sum = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0 };
  for (const one of all) {
    const u = tokenUsage(one);
    sum.inputTokens += u.inputTokens;
    sum.outputTokens += u.outputTokens;
    sum.cachedInputTokens += u.cachedInputTokens!;
    sum.reasoningTokens += u.reasoningTokens!;
  }
  return sum;
};

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
      if (!parsed.success) return false;
      // The init event names the model really used; other system events (retries, hooks) are no progress.
      const { subtype, model, error_status: status, error, attempt, max_retries: retries } = parsed.data;
      if (subtype === 'init' && model) tally.model = model;
      if (subtype === 'api_retry') {
        const message = `API request failed (${status ? `HTTP ${status}` : 'no response'}${error ? `, ${error}` : ''}); retry ${attempt ?? '?'} of ${retries ?? '?'}`;
        tally.error(message);
        log(`[system api_retry] ${message}`);
        return true;
      }
      log(`[system ${subtype}]${model ? ` model ${model}` : ''}`);
      return true;
    },
    assistant(event: unknown) {
      const parsed = assistantEvent.safeParse(event);
      if (!parsed.success) return false;
      const { id, content, usage } = parsed.data.message;
      if (parsed.data.error) {
        // Claude Code reports a failed API call as an assistant message carrying an error.
        const text = content
          .map((block) => ('text' in block && typeof block.text === 'string' ? block.text : ''))
          .join(' ');
        tally.error(text.trim() || parsed.data.error);
        log(`[api error ${parsed.data.error}] ${text}`);
        return true;
      }
      const key = id ?? `anonymous-${usageByMessage.size}`;
      if (!usageByMessage.has(key)) {
        // A turn is one assistant message; its content blocks arrive as separate events.
        tally.turns++;
        tally.advance();
      }
      if (usage) usageByMessage.set(key, usage);
      else if (!usageByMessage.has(key)) usageByMessage.set(key, { input_tokens: 0, output_tokens: 0 });
      tally.usage = sumUsage(usageByMessage.values());
      for (const block of content) {
        if (block.type === 'text' && 'text' in block) {
          log(`[assistant] ${block.text}`);
          tally.activity = block.text;
        } else if (block.type === 'tool_use' && 'input' in block) {
          tally.advance();
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
            tally.advance();
            log(`[tool result${block.is_error ? ' error' : ''}] ${clip(toolResultText(block.content), 2_000)}`);
          }
        }
      return true;
    },
    result(event: unknown) {
      const parsed = resultEvent.safeParse(event);
      if (!parsed.success) return false;
      result = parsed.data;
      tally.advance();
      // Turns are the assistant messages seen: num_turns also counts the turn a limit refused
      // (--max-turns 1 says 2) and the call an API error ended.
      if (result.usage) tally.usage = tokenUsage(result.usage);
      if (result.total_cost_usd !== undefined) tally.costUsd = result.total_cost_usd;
      if (result.is_error) {
        const detail = result.errors?.join('; ') || result.result;
        if (detail) tally.error(detail);
      }
      const cost = result.total_cost_usd !== undefined ? `, $${result.total_cost_usd.toFixed(4)}` : '';
      log(
        `[result ${result.subtype}${result.is_error ? ', error' : ''}] ${tally.turns} turn(s)${cost}${result.result ? `: ${result.result}` : ''}`,
      );
      return true;
    },
  };

  return {
    handle: (event) => dispatchByType(event, handlers),
    ...tally.readers(),
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
        // An API error ends the run as "success" with is_error set: it failed, with the API's message.
        const why =
          RESULT_SUBTYPES[result.subtype] ??
          (result.subtype === 'success'
            ? `failed${result.api_error_status ? ` (HTTP ${result.api_error_status})` : ''}`
            : `stopped (${result.subtype})`);
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
  /**
   * --allowedTools, e.g. ["Bash(npm test:*)", "Bash(git diff:*)"]. Default: ["Bash"] inside the
   * bubblewrap sandbox (any command, as Codex and Gemini CLI may; the sandbox is the boundary),
   * none when unconfined (file edits only).
   */
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
  'CLAUDE_CODE_OAUTH_TOKEN',
  'CLAUDE_CONFIG_DIR',
];

/** Set for every run: no auto-update, telemetry or other traffic besides the model calls. */
const CLAUDE_QUIET_ENV = { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' };

/** Claude Code (`claude -p … --output-format stream-json --verbose`) as a ModelAdapter. */
export function createClaudeCodeAdapter(options: ClaudeCodeOptions = {}): CliModelAdapter {
  return {
    kind: 'claude-code',
    run(request, context) {
      const prompt = promptText(request);
      const inArgv = fitsInArgv(prompt);
      const allowedTools = options.allowedTools ?? (context.sandbox?.kind === 'bubblewrap' ? ['Bash'] : []);
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
        ...(allowedTools.length ? ['--allowedTools', allowedTools.join(',')] : []),
        ...(options.extraArgs ?? []),
      ];
      return runCliAgent(
        {
          kind: 'claude-code',
          binary: options.binary ?? 'claude',
          args,
          stdin: inArgv ? undefined : prompt,
          envNames: CLAUDE_ENV,
          apiKey: { name: 'ANTHROPIC_API_KEY' },
          env: { ...CLAUDE_QUIET_ENV, ...(options.baseUrl ? { ANTHROPIC_BASE_URL: options.baseUrl } : {}) },
          interpret: (log) => claudeInterpreter(request.worktreePath, log),
        },
        options,
        request,
        context,
      );
    },
  };
}
