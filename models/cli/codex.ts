import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { fitsInArgv, promptText, runCliAgent, type CliAdapterOptions, type CliModelAdapter } from './run-cli-agent.js';
import { describeExit, type StreamInterpreter } from './stream-interpreter.js';
import { dispatchByType, StreamTally } from './stream-tally.js';
import { clip } from './transcript.js';

/** JSONL events of `codex exec --json` (thread / turn / item lifecycle). */
const item = z.object({
  id: z.string(),
  type: z.string(),
  text: z.string().optional(),
  command: z.string().optional(),
  aggregated_output: z.string().optional(),
  exit_code: z.number().nullish(),
  status: z.string().optional(),
  changes: z.array(z.object({ path: z.string(), kind: z.string() })).optional(),
  server: z.string().optional(),
  tool: z.string().optional(),
  query: z.string().optional(),
  message: z.string().optional(),
});
const itemEvent = z.object({ type: z.enum(['item.started', 'item.updated', 'item.completed']), item });
const threadStarted = z.object({ type: z.literal('thread.started'), thread_id: z.string() });
const turnStarted = z.object({ type: z.literal('turn.started') });
const turnCompleted = z.object({
  type: z.literal('turn.completed'),
  usage: z.object({
    input_tokens: z.number(),
    cached_input_tokens: z.number().default(0),
    output_tokens: z.number(),
    reasoning_output_tokens: z.number().default(0),
  }),
});
const turnFailed = z.object({ type: z.literal('turn.failed'), error: z.object({ message: z.string() }) });
const errorEvent = z.object({ type: z.literal('error'), message: z.string() });
type Item = z.infer<typeof item>;

/** Item types that are an action of the agent; Codex has one turn per prompt, so progress counts these. */
const ACTION_ITEMS = new Set(['agent_message', 'command_execution', 'file_change', 'mcp_tool_call', 'web_search']);

function describeItem(done: Item): string {
  switch (done.type) {
    case 'agent_message':
      return `[assistant] ${done.text ?? ''}`;
    case 'reasoning':
      return `[reasoning] ${clip(done.text ?? '', 1_000)}`;
    case 'command_execution':
      return `[command ${done.status ?? ''}, exit ${done.exit_code ?? '?'}] ${done.command ?? ''}\n${clip(done.aggregated_output ?? '', 2_000)}`;
    case 'file_change':
      return `[file change ${done.status ?? ''}] ${(done.changes ?? []).map((c) => `${c.kind} ${c.path}`).join(', ')}`;
    case 'mcp_tool_call':
      return `[mcp ${done.server ?? ''}/${done.tool ?? ''} ${done.status ?? ''}]`;
    case 'web_search':
      return `[web search] ${done.query ?? ''}`;
    case 'error':
      return `[error item] ${done.message ?? ''}`;
    default:
      return `[${done.type}]`;
  }
}

function codexInterpreter(worktree: string, log: (entry: string) => void): StreamInterpreter {
  const tally = new StreamTally(worktree);
  let turnState: 'running' | 'completed' | 'failed' | undefined;
  let lastMessage: string | undefined;

  const handlers = {
    'thread.started': (event: unknown) => {
      const parsed = threadStarted.safeParse(event);
      if (parsed.success) log(`[thread ${parsed.data.thread_id}]`);
      return parsed.success;
    },
    'turn.started': (event: unknown) => {
      const ok = turnStarted.safeParse(event).success;
      if (ok) turnState = 'running';
      return ok;
    },
    'turn.completed': (event: unknown) => {
      const parsed = turnCompleted.safeParse(event);
      if (!parsed.success) return false;
      turnState = 'completed';
      tally.advance();
      const u = parsed.data.usage;
      // Codex's input_tokens include the cached ones, its output_tokens the reasoning ones.
      tally.usage = {
        inputTokens: tally.usage.inputTokens + u.input_tokens,
        outputTokens: tally.usage.outputTokens + u.output_tokens,
        cachedInputTokens: (tally.usage.cachedInputTokens ?? 0) + u.cached_input_tokens,
        reasoningTokens: (tally.usage.reasoningTokens ?? 0) + u.reasoning_output_tokens,
      };
      log(
        `[turn completed] ${u.input_tokens} input tokens (${u.cached_input_tokens} cached), ${u.output_tokens} output tokens (${u.reasoning_output_tokens} reasoning)`,
      );
      return true;
    },
    'turn.failed': (event: unknown) => {
      const parsed = turnFailed.safeParse(event);
      if (!parsed.success) return false;
      turnState = 'failed';
      tally.error(parsed.data.error.message);
      log(`[turn failed] ${parsed.data.error.message}`);
      return true;
    },
    error: (event: unknown) => {
      const parsed = errorEvent.safeParse(event);
      if (!parsed.success) return false;
      // Also "Reconnecting... 2/5": a retry, never progress.
      tally.error(parsed.data.message);
      log(`[error] ${parsed.data.message}`);
      return true;
    },
    ...Object.fromEntries(
      ['item.started', 'item.updated', 'item.completed'].map((type) => [
        type,
        (event: unknown) => {
          const parsed = itemEvent.safeParse(event);
          if (!parsed.success) return false;
          const current = parsed.data.item;
          if (current.type === 'error') {
            // An error item ("Falling back from WebSockets…") reports trouble, not work.
            if (parsed.data.type === 'item.completed') {
              tally.error(current.message ?? 'error');
              log(describeItem(current));
            }
            return true;
          }
          tally.advance();
          if (current.type === 'command_execution' && current.command) tally.activity = `$ ${current.command}`;
          if (parsed.data.type !== 'item.completed') return true;
          log(describeItem(current));
          if (ACTION_ITEMS.has(current.type)) tally.turns++;
          if (current.type === 'agent_message' && current.text) lastMessage = tally.activity = current.text;
          if (current.type === 'file_change') for (const change of current.changes ?? []) tally.touch(change.path);
          return true;
        },
      ]),
    ),
  };

  return {
    handle: (event) => dispatchByType(event, handlers),
    ...tally.readers(),
    verdict(exit) {
      const why = tally.errors.length > 0 ? `: ${clip(tally.errors.at(-1)!, 400)}` : '';
      if (turnState === 'failed') return { status: 'failed', summary: `codex turn failed${why}` };
      if (turnState !== 'completed') {
        const ended = exit.exitCode === 0 && !exit.signal ? 'ended' : describeExit(exit);
        return {
          status: 'failed',
          summary: `codex ${ended} before completing its turn (after ${tally.turns} step(s))${why}`,
        };
      }
      if (exit.exitCode !== 0)
        return { status: 'failed', summary: `codex completed its turn but ${describeExit(exit)}` };
      return {
        status: 'completed',
        summary: clip(lastMessage?.trim() || `codex finished after ${tally.turns} step(s)`, 600),
      };
    },
  };
}

export interface CodexOptions extends CliAdapterOptions {
  /**
   * --sandbox. Default: "danger-full-access" inside the bubblewrap sandbox (which confines it; Codex's
   * own sandbox cannot nest in it), "workspace-write" when unconfined.
   */
  sandbox?: 'read-only' | 'workspace-write' | 'danger-full-access';
}

/** Variables Codex reads for credentials. Its home (CODEX_HOME) is generated per run, never the user's. */
const CODEX_ENV = ['CODEX_API_KEY', 'OPENAI_API_KEY'];

const tomlString = (text: string) => JSON.stringify(text);

/**
 * The run's `$CODEX_HOME/config.toml`: with a base URL, a provider of its own pointing there (the
 * built-in one would first try a WebSocket the gateway may not speak), keyed by CODEX_API_KEY.
 */
export function codexConfigToml(baseUrl: string | undefined): string {
  const lines = [
    "# Generated by Jetpack Cloud for one run; the user's ~/.codex is not read.",
    'check_for_update_on_startup = false',
  ];
  if (baseUrl)
    lines.push(
      'model_provider = "swarm"',
      '',
      '[model_providers.swarm]',
      'name = "Jetpack Cloud gateway"',
      `base_url = ${tomlString(baseUrl)}`,
      'env_key = "CODEX_API_KEY"',
      'wire_api = "responses"',
      'supports_websockets = false',
    );
  return `${lines.join('\n')}\n`;
}

/** The OpenAI Codex CLI (`codex exec --json`) as a ModelAdapter. */
export function createCodexAdapter(options: CodexOptions = {}): CliModelAdapter {
  return {
    kind: 'codex',
    run(request, context) {
      const prompt = promptText(request);
      const inArgv = fitsInArgv(prompt);
      const args = [
        'exec',
        '--json',
        '--skip-git-repo-check',
        '--sandbox',
        options.sandbox ?? (context.sandbox?.kind === 'bubblewrap' ? 'danger-full-access' : 'workspace-write'),
        ...(options.model ? ['--model', options.model] : []),
        ...(options.extraArgs ?? []),
        // "-" makes codex read the prompt from stdin.
        inArgv ? prompt : '-',
      ];
      return runCliAgent(
        {
          kind: 'codex',
          binary: options.binary ?? 'codex',
          args,
          stdin: inArgv ? undefined : prompt,
          envNames: CODEX_ENV,
          // `codex exec` authenticates with CODEX_API_KEY only, not OPENAI_API_KEY.
          apiKey: { name: 'CODEX_API_KEY', from: ['OPENAI_API_KEY'] },
          async configure(home) {
            await writeFile(path.join(home, 'config.toml'), codexConfigToml(options.baseUrl), { mode: 0o600 });
            return { env: { CODEX_HOME: home } };
          },
          interpret: (log) => codexInterpreter(request.worktreePath, log),
        },
        options,
        request,
        context,
      );
    },
  };
}
