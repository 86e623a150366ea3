import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { fitsInArgv, promptText, runCliAgent, type CliAdapterOptions, type CliModelAdapter } from './run-cli-agent.js';
import { describeExit, type StreamInterpreter } from './stream-interpreter.js';
import { dispatchByType, StreamTally } from './stream-tally.js';
import { clip } from './transcript.js';

/** Events of `gemini -p … --output-format stream-json` (init, message, tool_use, tool_result, error, result). */
const initEvent = z.object({
  type: z.literal('init'),
  session_id: z.string().optional(),
  model: z.string().optional(),
});
const messageEvent = z.object({
  type: z.literal('message'),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  delta: z.boolean().optional(),
});
const toolUseEvent = z.object({
  type: z.literal('tool_use'),
  tool_name: z.string(),
  tool_id: z.string(),
  parameters: z.record(z.string(), z.unknown()).default({}),
});
const toolResultEvent = z.object({
  type: z.literal('tool_result'),
  tool_id: z.string(),
  status: z.enum(['success', 'error']),
  output: z.string().optional(),
  error: z.object({ type: z.string().optional(), message: z.string() }).optional(),
});
const errorEvent = z.object({ type: z.literal('error'), severity: z.string().optional(), message: z.string() });
const resultEvent = z.object({
  type: z.literal('result'),
  status: z.enum(['success', 'error']),
  error: z.object({ type: z.string().optional(), message: z.string() }).optional(),
  stats: z
    .object({
      total_tokens: z.number().optional(),
      input_tokens: z.number().default(0),
      output_tokens: z.number().default(0),
      cached: z.number().optional(),
      tool_calls: z.number().optional(),
      models: z.record(z.string(), z.object({ total_tokens: z.number().default(0) })).optional(),
    })
    .optional(),
});
type ResultEvent = z.infer<typeof resultEvent>;

/** Gemini CLI's file-writing tools; both name the file in `file_path`. */
const FILE_TOOLS = new Set(['write_file', 'replace', 'edit']);

/** Documented exit codes of headless mode besides 0 and 1. */
const EXIT_CODES: Record<number, string> = {
  41: 'could not authenticate (exit code 41)',
  42: 'rejected its input',
  52: 'found its configuration invalid (exit code 52)',
  53: 'reached its turn limit',
  55: 'refused to run in an untrusted folder (exit code 55)',
};

type Stats = NonNullable<ResultEvent['stats']>;

/** The model that did most of the work: routing calls go to a small model first. */
const mainModel = (stats: Stats) =>
  Object.entries(stats.models ?? {}).sort(([, a], [, b]) => b.total_tokens - a.total_tokens)[0]?.[0];

function geminiInterpreter(worktree: string, log: (entry: string) => void): StreamInterpreter {
  const tally = new StreamTally(worktree);
  let result: ResultEvent | undefined;
  // Assistant text arrives in delta chunks; one run of them is one turn, logged as one entry.
  let assistantText: string | undefined;
  let lastMessage: string | undefined;
  const flushAssistant = () => {
    if (assistantText === undefined) return;
    log(`[assistant] ${assistantText}`);
    lastMessage = assistantText;
    assistantText = undefined;
  };
  const parse =
    <T>(schema: z.ZodType<T>, use: (value: T) => void) =>
    (event: unknown) => {
      const parsed = schema.safeParse(event);
      if (!parsed.success) return false;
      if ((parsed.data as { type: string }).type !== 'message') flushAssistant();
      use(parsed.data);
      return true;
    };

  const handlers = {
    init: parse(initEvent, (e) => {
      // "auto" is the router, not a model; the result's stats name the models used.
      if (e.model && e.model !== 'auto') tally.model = e.model;
      log(`[init]${e.model ? ` model ${e.model}` : ''}`);
    }),
    message: parse(messageEvent, (e) => {
      if (e.role === 'user') {
        flushAssistant();
        return;
      }
      if (assistantText === undefined) {
        tally.turns++;
        tally.advance();
        assistantText = '';
      }
      assistantText += e.content;
      tally.activity = assistantText;
    }),
    tool_use: parse(toolUseEvent, (e) => {
      tally.advance();
      log(`[tool ${e.tool_name}] ${clip(JSON.stringify(e.parameters), 1_000)}`);
      if (FILE_TOOLS.has(e.tool_name)) tally.touch(e.parameters.file_path);
      const target = e.parameters.file_path ?? e.parameters.command;
      tally.activity = `${e.tool_name}${typeof target === 'string' ? ` ${target}` : ''}`;
    }),
    tool_result: parse(toolResultEvent, (e) => {
      tally.advance();
      log(
        e.status === 'error'
          ? `[tool result error] ${clip(e.error?.message ?? e.output ?? '', 2_000)}`
          : `[tool result] ${clip(e.output ?? '', 2_000)}`,
      );
    }),
    error: parse(errorEvent, (e) => {
      if (e.severity !== 'warning') tally.error(e.message);
      log(`[${e.severity ?? 'error'}] ${e.message}`);
    }),
    result: parse(resultEvent, (e) => {
      result = e;
      tally.advance();
      if (e.error) tally.error(e.error.message);
      if (e.stats) {
        const { input_tokens: input, output_tokens: output, total_tokens: total } = e.stats;
        // output_tokens leave out the thinking, which is billed as output: the rest of the total.
        const thoughts = total !== undefined ? Math.max(0, total - input - output) : 0;
        tally.usage = {
          inputTokens: input,
          outputTokens: output + thoughts,
          cachedInputTokens: e.stats.cached ?? 0,
          reasoningTokens: thoughts,
        };
        tally.model = mainModel(e.stats) ?? tally.model;
      }
      log(`[result ${e.status}]${e.error ? ` ${e.error.message}` : ''}`);
    }),
  };

  return {
    handle: (event) => dispatchByType(event, handlers),
    ...tally.readers(),
    verdict(exit) {
      flushAssistant();
      const turns = `after ${tally.turns} turn(s)`;
      if (!result) {
        const known = exit.exitCode !== null ? EXIT_CODES[exit.exitCode] : undefined;
        const ended = exit.exitCode === 0 && !exit.signal ? 'ended' : (known ?? describeExit(exit));
        return { status: 'failed', summary: `gemini-cli ${ended} without a result event (${turns})` };
      }
      if (result.status === 'error') {
        const detail = result.error ? `: ${[result.error.type, result.error.message].filter(Boolean).join(': ')}` : '';
        return { status: 'failed', summary: clip(`gemini-cli failed ${turns}${detail}`, 600) };
      }
      if (exit.exitCode !== 0)
        return { status: 'failed', summary: `gemini-cli reported success but ${describeExit(exit)}` };
      return { status: 'completed', summary: clip(lastMessage?.trim() || `gemini-cli finished ${turns}`, 600) };
    },
  };
}

export interface GeminiCliOptions extends CliAdapterOptions {
  /** --approval-mode; default "yolo", since nobody is there to approve tool calls. */
  approvalMode?: 'default' | 'auto_edit' | 'yolo';
}

/** Variables Gemini CLI reads for credentials (API key or Vertex AI) and its endpoint. */
const GEMINI_ENV = [
  'GEMINI_API_KEY',
  'GOOGLE_GEMINI_BASE_URL',
  'GOOGLE_API_KEY',
  'GOOGLE_GENAI_USE_VERTEXAI',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'GOOGLE_APPLICATION_CREDENTIALS',
];

/**
 * The run's own Gemini CLI settings (in GEMINI_CLI_HOME, never the user's ~/.gemini): the auth type
 * the environment provides, which headless mode cannot ask for (without it: exit 41, "Invalid auth
 * method selected"), and no usage statistics.
 */
export function geminiSettings(env: Readonly<Record<string, string>>): string {
  const selectedType = env.GOOGLE_GENAI_USE_VERTEXAI === 'true' ? 'vertex-ai' : 'gemini-api-key';
  return `${JSON.stringify({ security: { auth: { selectedType } }, privacy: { usageStatisticsEnabled: false } }, null, 2)}\n`;
}

/** Gemini CLI (`gemini -p … --output-format stream-json`) as a ModelAdapter. */
export function createGeminiCliAdapter(options: GeminiCliOptions = {}): CliModelAdapter {
  return {
    kind: 'gemini-cli',
    run(request, context) {
      const prompt = promptText(request);
      const inArgv = fitsInArgv(prompt);
      const args = [
        // With stdin, Gemini CLI appends the -p text to what it read there.
        '-p',
        inArgv ? prompt : 'Carry out the task described above.',
        '--output-format',
        'stream-json',
        '--approval-mode',
        options.approvalMode ?? 'yolo',
        // Trusts this worktree for this run only; an untrusted folder would refuse to run (exit 55)
        // and turn yolo back into default. Folder trust stays on for everything else.
        '--skip-trust',
        ...(options.model ? ['--model', options.model] : []),
        ...(options.extraArgs ?? []),
      ];
      return runCliAgent(
        {
          kind: 'gemini-cli',
          binary: options.binary ?? 'gemini',
          args,
          stdin: inArgv ? undefined : prompt,
          envNames: GEMINI_ENV,
          apiKey: { name: 'GEMINI_API_KEY' },
          env: options.baseUrl ? { GOOGLE_GEMINI_BASE_URL: options.baseUrl } : {},
          async configure(home, env) {
            await mkdir(path.join(home, '.gemini'), { mode: 0o700 });
            await writeFile(path.join(home, '.gemini', 'settings.json'), geminiSettings(env), { mode: 0o600 });
            return { env: { GEMINI_CLI_HOME: home } };
          },
          interpret: (log) => geminiInterpreter(request.worktreePath, log),
        },
        options,
        request,
        context,
      );
    },
  };
}
