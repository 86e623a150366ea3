import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withReadOnly } from '../../process/sandbox.js';
import { secretValues } from '../env-allowlist.js';
import { runAgentProcess } from './agent-process.js';
import { changedFiles } from './changed-files.js';
import { cleanText, informativeLine } from './cli-summary.js';
import { cliEnv, DEFAULT_CLI_TIMEOUT_MS, promptText, type CliModelAdapter } from './run-cli-agent.js';
import { describeExit } from './stream-interpreter.js';
import { clip, Transcript } from './transcript.js';

export interface CommandAdapterOptions {
  /** Adapter kind reported in summaries. Default "command". */
  kind?: string;
  /**
   * Shell command line (run by /bin/sh in the worktree). With promptVia "file", `{prompt_file}` is
   * replaced by the prompt file's quoted path, which is also in $SWARM_PROMPT_FILE.
   */
  command: string;
  promptVia: 'stdin' | 'file';
  timeoutMs?: number;
  killGraceMs?: number;
  /** Variables passed through beyond the base allowlist (PATH, HOME, LANG, ...), e.g. the tool's API key. */
  passEnv?: string[];
  /** Where passed variables are read from. Default: process.env. */
  sourceEnv?: Record<string, string | undefined>;
  transcriptLimitBytes?: number;
}

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * Any command-line agent as a ModelAdapter: it gets the prompt on stdin or in a file, works in the
 * worktree, and succeeds when it exits 0. Its output is the transcript; it reports no token usage.
 */
export function createCommandAdapter(options: CommandAdapterOptions): CliModelAdapter {
  const kind = options.kind ?? 'command';
  return {
    kind,
    async run(request, context) {
      const env = cliEnv(context, options.sourceEnv ?? process.env, options.passEnv ?? []);
      const transcript = new Transcript(options.transcriptLimitBytes ?? 512 * 1024, secretValues(env));
      const prompt = promptText(request);
      // The prompt file lives outside the worktree, so it is never committed with the agent's work.
      const promptDir =
        options.promptVia === 'file'
          ? await mkdtemp(path.join(context.sandbox?.stateDir ?? tmpdir(), 'swarm-prompt-'))
          : undefined;
      // A sandboxed command reads the prompt file where the worker wrote it.
      const sandbox = context.sandbox && promptDir ? withReadOnly(context.sandbox, promptDir) : context.sandbox;
      try {
        let command = options.command;
        if (promptDir) {
          const promptFile = path.join(promptDir, 'prompt.md');
          await writeFile(promptFile, prompt, { mode: 0o600 });
          env.SWARM_PROMPT_FILE = promptFile;
          command = command.replaceAll('{prompt_file}', shellQuote(promptFile));
        }
        transcript.add(`$ ${command}${options.promptVia === 'stdin' ? ' < prompt' : ''}`);
        let lastLine = '';
        let lines = 0;
        const timeoutMs = options.timeoutMs ?? DEFAULT_CLI_TIMEOUT_MS;
        const exit = await runAgentProcess({
          command: '/bin/sh',
          args: ['-c', command],
          cwd: request.worktreePath,
          env,
          sandbox,
          stdin: options.promptVia === 'stdin' ? prompt : undefined,
          timeoutMs,
          signal: context.signal,
          killGraceMs: options.killGraceMs ?? 5_000,
          maxLineBytes: 64 * 1024,
          stderrLimitBytes: 16 * 1024,
          onLine(line) {
            transcript.add(line);
            if (line.trim() === '') return;
            lastLine = line.trim();
            context.heartbeat({ turn: ++lines, message: transcript.redact(`${kind}: ${clip(lastLine, 120)}`) });
          },
        });
        if (exit.cancelled) throw context.signal.reason;
        const stderr = exit.stderr.trim();
        if (stderr) transcript.add(`[stderr]\n${stderr}`);
        const status = exit.exitCode === 0 && !exit.timedOut ? ('completed' as const) : ('failed' as const);
        // A failing tool usually explains itself on stderr; a succeeding one ends with its result on stdout.
        const said = cleanText(status === 'failed' ? (informativeLine(stderr) ?? lastLine) : lastLine);
        const how = exit.timedOut
          ? `timed out after ${Math.round(timeoutMs / 1_000)} s and was stopped`
          : describeExit(exit);
        const summary = transcript.redact(`${kind} ${how}${said ? `: ${clip(said, 300)}` : ''}`);
        transcript.add(`[outcome] ${status}: ${summary}`);
        return {
          status,
          summary,
          transcript: transcript.toString(),
          filesTouched: (await changedFiles(request.worktreePath)) ?? [],
          usage: { inputTokens: 0, outputTokens: 0 },
          costUsd: null,
        };
      } finally {
        if (promptDir) await rm(promptDir, { recursive: true, force: true });
      }
    },
  };
}
