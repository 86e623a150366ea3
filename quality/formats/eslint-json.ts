import { z } from 'zod';
import { MAX_LISTED_PROBLEMS, type LintMetrics, type LintProblem } from '../snapshot.js';
import { shellQuote, type FormatAdapter } from './format-adapter.js';
import { parseJsonReport, readReportFile, relativeToWorktree } from './report-text.js';
import { ToolReportError } from './tool-report-error.js';

const eslintReportSchema = z.array(
  z.object({
    filePath: z.string(),
    errorCount: z.number().int(),
    warningCount: z.number().int(),
    messages: z.array(
      z.object({
        ruleId: z.string().nullable().default(null),
        severity: z.union([z.literal(1), z.literal(2)]),
        message: z.string(),
        line: z.number().int().default(0),
        column: z.number().int().default(0),
      }),
    ),
  }),
);

/** ESLint's `-f json` report: counts and every problem with file:line:col and rule. */
export function parseEslintReport(text: string, worktree: string): LintMetrics {
  const files = parseJsonReport(text, eslintReportSchema, 'eslint JSON report');
  const problems: LintProblem[] = files.flatMap((file) =>
    file.messages.map((m) => ({
      file: relativeToWorktree(worktree, file.filePath),
      line: m.line,
      column: m.column,
      rule: m.ruleId,
      severity: m.severity === 2 ? ('error' as const) : ('warning' as const),
      message: m.message,
    })),
  );
  return {
    errors: files.reduce((sum, file) => sum + file.errorCount, 0),
    warnings: files.reduce((sum, file) => sum + file.warningCount, 0),
    problems: problems.slice(0, MAX_LISTED_PROBLEMS),
  };
}

export const eslintJson: FormatAdapter = {
  commandLine: (command, files) => `${command} --format json --output-file ${shellQuote(files.report)}`,
  async read({ exitCode, files, worktree }) {
    // 1 means "problems found"; anything else is a crash or a configuration error.
    if (exitCode !== 0 && exitCode !== 1)
      throw new ToolReportError(`eslint exited with ${exitCode}, which means it could not lint`);
    return { lint: parseEslintReport(await readReportFile(files.report), worktree) };
  },
};
