import type { CoverageMetrics, LintMetrics, TestId, TestMetrics, TypecheckMetrics } from '../snapshot.js';

/** Where a run's reports go: a private temp dir, never the worktree (the agent's next commit would take them in). */
export interface ReportFiles {
  report: string;
  coverageDir: string;
}

export interface CommandLineOptions {
  coverage: boolean;
  /** On a re-run: the test files of the failures to repeat, for tools that can filter by file. */
  onlyFiles?: string[];
}

export interface ToolRun {
  worktree: string;
  files: ReportFiles;
  exitCode: number | null;
  /** The run's whole bounded output (stdout and stderr), ANSI stripped. */
  output: string;
}

export interface TestRun extends Omit<TestMetrics, 'flaky'> {
  /** Every passing test; used to tell a flaky test from one that was not re-run. */
  passing: TestId[];
}

export interface ToolReport {
  lint?: LintMetrics;
  typecheck?: TypecheckMetrics;
  tests?: TestRun;
  coverage?: CoverageMetrics | null;
}

/** How to ask one tool for a machine-readable report and how to read it. */
export interface FormatAdapter {
  /** The command with the reporter arguments that make the tool write to `files`. */
  commandLine(command: string, files: ReportFiles, options: CommandLineOptions): string;
  /** Reads what the run left; throws ToolReportError on a missing, garbage or inconsistent report. */
  read(run: ToolRun): Promise<ToolReport>;
}

/** Single-quotes a word for /bin/sh. */
export const shellQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;
