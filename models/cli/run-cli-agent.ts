import type { AgentContext, AgentOutcome, AgentRequest, ModelAdapter } from './adapter.js';
import { allowlistedEnv, BASE_ENV_ALLOWLIST, secretValues } from '../env-allowlist.js';
import { runAgentProcess } from './agent-process.js';
import { changedFiles } from './changed-files.js';
import { cleanText, informativeLine, isAuthFailure } from './cli-summary.js';
import { createConfigHome } from './config-home.js';
import type { StreamInterpreter } from './stream-interpreter.js';
import { clip, Transcript } from './transcript.js';

/** Options every CLI adapter shares. */
export interface CliAdapterOptions {
  /** Path or name of the CLI binary. */
  binary?: string;
  /** Model name handed to the CLI (e.g. --model); default: the CLI's own default. */
  model?: string;
  /** Whole-run limit; the process group is stopped after it. Default 60 min. */
  timeoutMs?: number;
  /**
   * The stall rule: a run with no real progress (no turn, tool call or token report) for this long
   * is stopped, with the last error the CLI printed as the reason. Default 10 min.
   */
  stallTimeoutMs?: number;
  /** The variable holding the API key, when not the CLI's own (e.g. "MY_OPENAI_KEY"). */
  apiKeyEnv?: string;
  /** The provider's endpoint (a gateway or proxy), handed to the CLI its own way. */
  baseUrl?: string;
  /** Grace between SIGTERM and SIGKILL. Default 5 s. */
  killGraceMs?: number;
  /** Further environment variables passed through, beyond the base allowlist and the CLI's own. */
  passEnv?: string[];
  /** Where passed variables are read from. Default: process.env. */
  sourceEnv?: Record<string, string | undefined>;
  /** Appended to the arguments the adapter builds. */
  extraArgs?: string[];
  /** Bound of the stored transcript. Default 512 KB. */
  transcriptLimitBytes?: number;
}

/** An AgentOutcome plus what CLIs report beyond it. */
export interface CliAgentOutcome extends AgentOutcome {
  /** Cost the CLI reported (Claude Code does), else null. */
  costUsd: number | null;
  /** The model the CLI reported using, when it did. */
  model?: string;
  /** The provider refused the credentials: another attempt cannot succeed. */
  authFailure?: boolean;
}

/** A ModelAdapter whose outcome also carries the CLI's reported cost. */
export interface CliModelAdapter extends ModelAdapter {
  run(request: AgentRequest, context: AgentContext): Promise<CliAgentOutcome>;
}

export interface CliInvocation {
  /** Adapter kind, e.g. "claude-code"; names the CLI in summaries. */
  kind: string;
  binary: string;
  args: string[];
  stdin?: string;
  /** The CLI's own variables (API keys, config dirs) added to the base allowlist. */
  envNames: readonly string[];
  /** The variable the CLI reads its API key from, and others it may be taken from when unset (e.g. OPENAI_API_KEY). */
  apiKey?: { name: string; from?: readonly string[] };
  /** Variables the adapter sets itself (a base URL, switches that turn off updates and telemetry). */
  env?: Record<string, string>;
  /**
   * Writes the run's own configuration into `home` (a fresh private directory) and returns the
   * variables pointing the CLI at it; `env` is the CLI's environment so far.
   */
  configure?(home: string, env: Readonly<Record<string, string>>): Promise<{ env: Record<string, string> }>;
  /** Makes the stream's interpreter, which writes its transcript entries through `log`. */
  interpret(log: (entry: string) => void): StreamInterpreter;
}

export const DEFAULT_CLI_TIMEOUT_MS = 60 * 60_000;
export const DEFAULT_CLI_STALL_MS = 10 * 60_000;
const REFUSED_GRACE_MS = 1_000;
const MAX_LINE_BYTES = 8 * 1024 * 1024;
const STDERR_LIMIT_BYTES = 16 * 1024;

/** Prompt text longer than this goes to stdin: one argv string may hold at most 128 KiB on Linux. */
export const MAX_ARGV_PROMPT_BYTES = 100_000;

/** The whole prompt as one text: the CLIs take a single prompt, and bring their own system prompt. */
export const promptText = (request: AgentRequest) =>
  `${request.prompt.system.trim()}\n\n${request.prompt.user.trim()}\n`;
export const fitsInArgv = (prompt: string) => Buffer.byteLength(prompt) <= MAX_ARGV_PROMPT_BYTES;

/** The CLI's environment: the sandbox's (or the base allowlist without one) plus the CLI's own variables. */
export function cliEnv(
  context: AgentContext,
  source: Record<string, string | undefined>,
  names: readonly string[],
): Record<string, string> {
  if (context.sandbox) return { ...context.sandbox.env, ...allowlistedEnv(source, names) };
  return allowlistedEnv(source, [...BASE_ENV_ALLOWLIST, ...names]);
}

/**
 * Runs one CLI invocation as an agent attempt: a restricted environment, its event stream read line
 * by line into the interpreter and the transcript, heartbeats with turns, files and tokens, and an
 * outcome decided by the interpreter. Cancellation kills the process group and rethrows the reason.
 */
export async function runCliAgent(
  invocation: CliInvocation,
  options: CliAdapterOptions,
  request: AgentRequest,
  context: AgentContext,
): Promise<CliAgentOutcome> {
  const { kind } = invocation;
  const env = {
    ...cliEnv(context, options.sourceEnv ?? process.env, [
      ...invocation.envNames,
      ...(options.apiKeyEnv ? [options.apiKeyEnv] : []),
      ...(options.passEnv ?? []),
    ]),
    ...invocation.env,
  };
  if (invocation.apiKey) {
    // The configured key variable wins; then the CLI's own; then the fallbacks.
    const { name, from = [] } = invocation.apiKey;
    const source = [options.apiKeyEnv, name, ...from].find((n) => n !== undefined && env[n] !== undefined);
    if (source) env[name] = env[source]!;
  }
  const home = invocation.configure ? await createConfigHome(context, kind) : undefined;
  try {
    if (home) Object.assign(env, (await invocation.configure!(home.dir, env)).env);
    return await runConfigured(invocation, env, options, request, context);
  } finally {
    await home?.dispose();
  }
}

async function runConfigured(
  invocation: CliInvocation,
  env: Record<string, string>,
  options: CliAdapterOptions,
  request: AgentRequest,
  context: AgentContext,
): Promise<CliAgentOutcome> {
  const { kind } = invocation;
  const transcript = new Transcript(options.transcriptLimitBytes ?? 512 * 1024, secretValues(env));
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLI_TIMEOUT_MS;
  const stallMs = options.stallTimeoutMs ?? DEFAULT_CLI_STALL_MS;
  const shownArgs = invocation.args.map((arg) => (arg.length > 200 ? `<${arg.length} characters>` : arg));
  transcript.add(`$ ${invocation.binary} ${shownArgs.join(' ')}${invocation.stdin !== undefined ? ' < prompt' : ''}`);
  const interpreter = invocation.interpret((entry) => transcript.add(entry));

  let malformed = 0;
  const reportProgress = () => {
    const tokens = interpreter.usage().inputTokens + interpreter.usage().outputTokens;
    const files = interpreter.filesTouched().size;
    const activity = interpreter.lastActivity();
    context.heartbeat({
      turn: interpreter.turns(),
      filesTouched: files,
      message: transcript.redact(
        `${kind}: turn ${interpreter.turns()}, ${files} file(s), ${tokens} tokens${activity ? ` · ${clip(cleanText(activity), 120)}` : ''}`,
      ),
    });
  };

  // The stall rule: only real progress (turns, tool calls, tokens) moves the clock, never retries or chatter.
  const stall = new AbortController();
  // A CLI retrying a request the provider refused for its credentials is stopped at once: no retry can help.
  const refused = new AbortController();
  let errorsSeen = 0;
  let refusedTimer: NodeJS.Timeout | undefined;
  let lastProgress = interpreter.progress();
  let progressAt = Date.now();
  const stallTimer = setInterval(
    () => {
      if (Date.now() - progressAt >= stallMs) stall.abort();
    },
    Math.min(1_000, Math.max(50, stallMs / 4)),
  );
  const onLine = (line: string, oversized: boolean) => {
    if (line.trim() === '') return;
    let event: unknown;
    try {
      if (oversized) throw new Error('oversized');
      event = JSON.parse(line);
    } catch {
      malformed++;
      transcript.add(`[unreadable output line${oversized ? ', over 8 MB' : ''}] ${clip(line, 500)}`);
      return;
    }
    const handling = interpreter.handle(event);
    if (handling === 'invalid') {
      malformed++;
      transcript.add(`[malformed event] ${clip(line, 500)}`);
    }
    const errors = interpreter.errors();
    if (errors.length !== errorsSeen) {
      errorsSeen = errors.length;
      // A moment's grace first: a CLI that is about to exit over it anyway ends with its own verdict.
      if (isAuthFailure(errors.at(-1)!)) refusedTimer ??= setTimeout(() => refused.abort(), REFUSED_GRACE_MS);
    }
    if (interpreter.progress() !== lastProgress) {
      lastProgress = interpreter.progress();
      progressAt = Date.now();
      reportProgress();
    }
  };

  let exit;
  try {
    exit = await runAgentProcess({
      command: invocation.binary,
      args: invocation.args,
      cwd: request.worktreePath,
      env,
      sandbox: context.sandbox,
      stdin: invocation.stdin,
      timeoutMs,
      signal: AbortSignal.any([context.signal, stall.signal, refused.signal]),
      killGraceMs: options.killGraceMs ?? 5_000,
      maxLineBytes: MAX_LINE_BYTES,
      stderrLimitBytes: STDERR_LIMIT_BYTES,
      onLine,
    });
  } finally {
    clearInterval(stallTimer);
    clearTimeout(refusedTimer);
  }
  if (exit.cancelled && context.signal.aborted) throw context.signal.reason;
  const stopped = exit.cancelled ? (refused.signal.aborted ? 'refused' : 'stalled') : undefined;
  const stalled = stopped === 'stalled';

  const stderr = exit.stderr.trim();
  if (stderr) transcript.add(`[stderr]\n${stderr}`);
  // The CLI's own error message (from its stream) explains best; else the most telling stderr line.
  const cliError = interpreter.errors().at(-1);
  const stderrLine = stderr ? informativeLine(stderr) : undefined;
  const cause = cliError ?? stderrLine;
  const after = `after ${interpreter.turns()} turn(s)`;
  const verdict =
    stopped === 'refused'
      ? {
          status: 'failed' as const,
          summary: `${kind} was stopped: the provider refused its credentials (${after}): ${clip(cleanText(cliError ?? ''), 300)}`,
        }
      : stalled
        ? {
            status: 'failed' as const,
            summary: `${kind} made no progress for ${Math.round(stallMs / 1_000)} s and was stopped (${after})${cause ? `; last error: ${clip(cleanText(cause), 300)}` : ''}`,
          }
        : exit.timedOut
          ? {
              status: 'failed' as const,
              summary: `${kind} timed out after ${Math.round(timeoutMs / 1_000)} s and was stopped (${after})${cause ? `; last error: ${clip(cleanText(cause), 300)}` : ''}`,
            }
          : interpreter.verdict(exit);
  const { status } = verdict;
  let summary = cleanText(verdict.summary);
  if (status === 'failed' && !stopped && !exit.timedOut && !cliError && stderrLine)
    summary += `; stderr: ${clip(stderrLine, 300)}`;
  if (malformed > 0) summary += ` (${malformed} unreadable output line(s) skipped)`;
  summary = transcript.redact(summary);
  const authFailure = status === 'failed' && !stalled && isAuthFailure([summary, ...interpreter.errors()].join('\n'));
  transcript.add(`[outcome] ${status}: ${summary}`);

  const touched = (await changedFiles(request.worktreePath)) ?? [...interpreter.filesTouched()].sort();
  return {
    status,
    summary,
    transcript: transcript.toString(),
    filesTouched: touched,
    usage: interpreter.usage(),
    costUsd: interpreter.costUsd(),
    ...((interpreter.model() ?? options.model) ? { model: interpreter.model() ?? options.model } : {}),
    ...(authFailure ? { authFailure } : {}),
  };
}
