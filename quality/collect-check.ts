import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand, type RunCommandResult } from '../process/run-command.js';
import { withSandboxEnv, withWritable, type Sandbox } from '../process/sandbox.js';
import { allowlistOnly } from '../process/sandbox-env.js';
import type { CommandLineOptions } from './formats/format-adapter.js';
import { thresholdMisses } from './formats/coverage-thresholds.js';
import { FORMAT_ADAPTERS } from './formats/format-adapters.js';
import { outputCounts } from './formats/output-counts.js';
import { stripAnsi } from './formats/report-text.js';
import { ToolReportError } from './formats/tool-report-error.js';
import type { QualityCheck } from './quality-check.js';
import type { CheckResult, TestId } from './snapshot.js';
import { toolEnv } from './tool-env.js';

export interface CollectOptions {
  worktree: string;
  /** Per command. */
  timeoutMs: number;
  /** Bound of the output kept in memory per command (reports are read from files, whole). */
  outputLimitBytes: number;
  /** Where the allowlist (PATH, HOME, LANG, ...) is read from when there is no sandbox (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The sandbox every check runs in (no network), with its cleared env. Without it checks run unconfined. */
  sandbox?: Sandbox;
  signal?: AbortSignal;
  /** Directories appended to the PATH, e.g. Corepack's shims (see workspace/corepack.ts). */
  laterPath?: string[];
  /** Called when a command's process group starts, e.g. to heartbeat its pid. */
  onStart?: (check: QualityCheck, pid: number) => void;
}

export interface ToolRunResult {
  result: CheckResult;
  /** The tests that passed, for telling flaky tests on a re-run. */
  passing: TestId[];
  /** The command's whole bounded output (stdout and stderr), e.g. for a check_runs row. */
  output: string;
  outputTruncated: boolean;
}

const OUTPUT_TAIL_CHARS = 4_000;
const OUTPUT_IN_ERROR_CHARS = 600;

/** The tool's command line followed by the script's later steps, which run only when it passes, as in the script. */
const withAfter = (line: string, after: string | undefined) => (after ? `${line} && ${after}` : line);

const describeCheck = (check: QualityCheck) => `check "${check.name}" (\`${check.command}\`)`;
const lastChars = (text: string, chars: number) => (text.length > chars ? `…${text.slice(-chars)}` : text);

/** Why a finished run says nothing about the code, or null when its report can be read. */
function runProblem(run: RunCommandResult, timeoutMs: number): string | null {
  if (run.cancelled) return 'was cancelled';
  if (run.timedOut) return `timed out after ${timeoutMs / 1000}s`;
  if (run.exitCode === 127) {
    const missing = /(?:^|\n)(?:\S*sh: (?:\d+: )?)?([\w@./-]+): (?:command )?not found/.exec(
      stripAnsi(run.output),
    )?.[1];
    return missing
      ? `failed: \`${missing}\` was not found (exit 127); it is neither in the worktree's node_modules/.bin nor on the PATH`
      : 'failed: command not found (exit 127); is the tool installed in the worktree (node_modules)?';
  }
  if (run.exitCode === 126) return 'failed: command is not executable (exit 126)';
  if (run.exitCode === null) return `was killed by ${run.signal ?? 'a signal'}`;
  return null;
}

/**
 * Runs one check's command in the worktree with its tool's reporter arguments, reads the report it
 * wrote into a private temp dir, and returns its metrics. Never throws for a tool's failure: a
 * missing binary, a timeout or a garbage report becomes `error`, naming the check and its command.
 */
export async function runQualityTool(
  check: QualityCheck,
  options: CollectOptions,
  commandOptions: CommandLineOptions,
): Promise<ToolRunResult> {
  const adapter = FORMAT_ADAPTERS[check.format];
  const dir = await mkdtemp(path.join(options.sandbox?.stateDir ?? tmpdir(), 'jetpack-quality-'));
  const files = { report: path.join(dir, 'report'), coverageDir: path.join(dir, 'coverage') };
  const empty = { lint: null, typecheck: null, tests: null, coverage: null, thresholdMisses: [], outputCounts: null };
  const base = { name: check.name, kind: check.kind, format: check.format, command: check.command };
  try {
    let run: RunCommandResult;
    try {
      run = await runCommand({
        cwd: options.worktree,
        command: withAfter(adapter.commandLine(check.command, files, commandOptions), check.after),
        env: toolEnv(options.worktree, allowlistOnly(options.env ?? process.env), options.laterPath),
        // The tool writes its report into `dir`, the one place outside the worktree it may write to.
        sandbox:
          options.sandbox &&
          withWritable(
            withSandboxEnv(options.sandbox, toolEnv(options.worktree, options.sandbox.env, options.laterPath)),
            dir,
          ),
        timeoutMs: options.timeoutMs,
        outputLimitBytes: options.outputLimitBytes,
        signal: options.signal,
        onStart: (pid) => options.onStart?.(check, pid),
      });
    } catch (err) {
      const error = `${describeCheck(check)} could not start: ${(err as Error).message}`;
      return {
        result: {
          ...base,
          ...empty,
          passed: false,
          exitCode: null,
          timedOut: false,
          durationMs: 0,
          error,
          outputTail: '',
        },
        passing: [],
        output: '',
        outputTruncated: false,
      };
    }
    const output = stripAnsi(run.output).trim();
    const finished = {
      ...base,
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      durationMs: run.durationMs,
      outputTail: lastChars(output, OUTPUT_TAIL_CHARS),
    };
    // Stored for people and agents to read: no colour codes.
    const kept = { output: stripAnsi(run.output), outputTruncated: run.outputTruncated };
    const failedWith = (reason: string): ToolRunResult => ({
      result: {
        ...finished,
        ...empty,
        passed: false,
        error: `${describeCheck(check)} ${reason}. Output: ${lastChars(output, OUTPUT_IN_ERROR_CHARS) || '(none)'}`,
      },
      passing: [],
      ...kept,
    });

    const problem = runProblem(run, options.timeoutMs);
    if (problem) return failedWith(problem);
    try {
      const report = await adapter.read({ worktree: options.worktree, files, exitCode: run.exitCode, output });
      const tests = report.tests
        ? {
            passed: report.tests.passed,
            failed: report.tests.failed,
            skipped: report.tests.skipped,
            failures: report.tests.failures,
            flaky: [],
          }
        : null;
      return {
        result: {
          ...finished,
          passed: run.exitCode === 0,
          error: null,
          lint: report.lint ?? null,
          typecheck: report.typecheck ?? null,
          tests,
          coverage: report.coverage ?? null,
          thresholdMisses: run.exitCode === 0 ? [] : thresholdMisses(output),
          outputCounts: tests ? null : outputCounts(output),
        },
        passing: report.tests?.passing ?? [],
        ...kept,
      };
    } catch (err) {
      if (err instanceof ToolReportError) return failedWith(`gave no usable ${check.format} report: ${err.message}`);
      throw err;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One check's metrics (with coverage when the check asks for it) and its bounded output. */
export function collectCheck(check: QualityCheck, options: CollectOptions): Promise<ToolRunResult> {
  return runQualityTool(check, options, { coverage: check.coverage });
}
