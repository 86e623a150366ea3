import type { QualityComparison, Regression, RegressionRule } from './comparison.js';
import { locationOf } from './compare-to-baseline.js';

/** A comparison as stored, where rows written before `exitCodeOnly` existed lack it. */
type ComparisonInput = Omit<QualityComparison, 'exitCodeOnly'> & { exitCodeOnly?: string[] };

const MAX_ITEMS_PER_RULE = 30;
const OUTPUT_TAIL_CHARS = 3_000;

export const HEADINGS: Record<RegressionRule, string> = {
  checkError: 'Checks that could not be run or read',
  checkMissing: 'Checks of the base branch that are no longer run',
  buildBroken: 'Build broken',
  newFailingTest: 'Tests that fail now but not on the base branch',
  newTypeError: 'New type errors',
  lintErrorIncrease: 'New lint errors',
  lintWarningIncrease: 'New lint warnings',
  checkBroken: 'Checks that fail now but passed on the base branch',
  coverageDrop: 'Coverage dropped',
  coverageThreshold: "Coverage below the repository's own thresholds",
  redBase: 'Checks that fail on the base branch and cannot judge this change',
  fileRefused: 'Files the repository does not accept',
};

const fenced = (text: string) => '```\n' + text.trim() + '\n```';
const indented = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
const tail = (text: string) => (text.length > OUTPUT_TAIL_CHARS ? `…${text.slice(-OUTPUT_TAIL_CHARS)}` : text);

function detail(r: Regression): string {
  switch (r.rule) {
    case 'newFailingTest':
      return `- \`${r.test.name}\`${r.test.location ? ` (${r.test.location})` : ''}\n${indented(fenced(r.test.message))}`;
    case 'newTypeError':
      return `- ${locationOf(r.diagnostic)} ${r.diagnostic.code}: ${r.diagnostic.message}`;
    case 'lintErrorIncrease':
    case 'lintWarningIncrease': {
      const problems = r.newProblems
        .slice(0, MAX_ITEMS_PER_RULE)
        .map((p) => `  - ${p.file}:${p.line}:${p.column} ${p.rule ?? 'parse error'}: ${p.message}`);
      return [`- ${r.message} (check "${r.check}")`, ...problems].join('\n');
    }
    case 'buildBroken':
    case 'checkBroken':
      return `- ${r.message}. Output (end):\n${indented(fenced(tail(r.outputTail) || '(no output)'))}`;
    case 'checkError':
      return `- ${r.error}`;
    case 'checkMissing':
    case 'coverageDrop':
    case 'coverageThreshold':
    case 'redBase':
    case 'fileRefused':
      return `- ${r.message}`;
  }
}

/**
 * The text the next attempt's agent reads: what got worse than on the base branch, precisely —
 * failing tests by name with their messages, new type errors and lint problems at file:line, broken
 * commands with the end of their output. Blocking regressions first; warnings after them.
 */
export function regressionFeedback(comparison: ComparisonInput): string {
  const sections: string[] = [
    comparison.verdict === 'regression'
      ? '## Quality gate: this change makes the code worse than the base branch. Fix these regressions:'
      : '## Quality gate passed; these are worth fixing but do not block:',
  ];
  // Regressions come ordered by severity, then by rule.
  const rules = [...new Set(comparison.regressions.map((r) => r.rule))];
  for (const rule of rules) {
    const found = comparison.regressions.filter((r) => r.rule === rule);
    const blocking = found[0]!.severity === 'error' ? 'blocking' : 'warning, not blocking';
    const shown = found.slice(0, MAX_ITEMS_PER_RULE).map(detail);
    if (found.length > shown.length) shown.push(`- … and ${found.length - shown.length} more`);
    sections.push(`### ${HEADINGS[rule]} (${blocking})\n${shown.join('\n')}`);
  }
  if (comparison.flaky.length > 0) {
    const names = comparison.flaky.map((f) => `- \`${f.test.name}\` (check "${f.check}")`).join('\n');
    sections.push(`### Flaky tests (failed once, passed when re-run; not counted)\n${names}`);
  }
  if (!comparison.hadBaseline) sections.push('(The base branch has no quality baseline yet, so every failure counts.)');
  const exitCodeNote = exitCodeOnlyNote(comparison);
  if (exitCodeNote) sections.push(`(${exitCodeNote}.)`);
  return sections.join('\n\n');
}

/** One line for the workflow history and the CLI: `regression: 1 newFailingTest, 2 newTypeError`. */
export function qualitySummary(comparison: ComparisonInput): string {
  const counts = new Map<string, number>();
  for (const r of comparison.regressions) {
    const key = `${r.rule}${r.severity === 'warning' ? ' (warning)' : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const parts = [...counts].map(([rule, n]) => `${n} ${rule}`);
  if (comparison.flaky.length > 0) parts.push(`${comparison.flaky.length} flaky`);
  return parts.length > 0 ? `${comparison.verdict}: ${parts.join(', ')}` : comparison.verdict;
}

/**
 * What a reader of the verdict must know about how far it reaches: checks that fail on the base
 * and could not judge the change, and checks judged by their exit code alone.
 */
export function gateNotes(comparison: ComparisonInput): string[] {
  const blind = comparison.regressions.filter((r) => r.rule === 'redBase').map((r) => r.message);
  const exitCode = exitCodeOnlyNote(comparison);
  return [...blind, ...(exitCode ? [exitCode] : [])];
}

/** Which checks were judged by their exit code alone, or null when none was. */
export function exitCodeOnlyNote(comparison: ComparisonInput): string | null {
  const names = comparison.exitCodeOnly ?? [];
  if (names.length === 0) return null;
  return `judged by exit code only (no test names or counts): ${names.map((n) => `"${n}"`).join(', ')}`;
}

/** Lines of a failing command's output worth showing first: those naming an error, else the first ones. */
function firstErrorLines(output: string, max: number): string[] {
  const lines = output
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => /\berror\b|ERR!|failed|cannot|not found/i.test(l));
  return (errors.length > 0 ? errors : lines).slice(0, max);
}

const clipLine = (text: string, max = 200) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
};

/**
 * The causes of a regression verdict as short lines for people (the CLI, the dashboard, the
 * workflow's failure): failing tests with their message, type errors at file:line, the first error
 * lines of a broken build. At most `maxLines` lines, each at most 200 characters.
 */
export function regressionCauses(comparison: QualityComparison, maxLines = 12): string[] {
  const lines: string[] = [];
  for (const r of comparison.regressions.filter((r) => r.severity === 'error')) {
    switch (r.rule) {
      case 'newFailingTest':
        lines.push(
          clipLine(
            `failing test "${r.test.name}"${r.test.location ? ` (${r.test.location})` : ''}: ${r.test.message.split('\n')[0] ?? ''}`,
          ),
        );
        break;
      case 'newTypeError':
        lines.push(clipLine(`type error ${locationOf(r.diagnostic)} ${r.diagnostic.code}: ${r.diagnostic.message}`));
        break;
      case 'lintErrorIncrease':
        for (const p of r.newProblems.slice(0, 3))
          lines.push(clipLine(`lint ${p.file}:${p.line}:${p.column} ${p.rule ?? 'parse error'}: ${p.message}`));
        break;
      case 'buildBroken':
      case 'checkBroken':
        lines.push(clipLine(r.message));
        lines.push(...firstErrorLines(r.outputTail, 3).map((l) => '  ' + clipLine(l)));
        break;
      case 'checkError':
        lines.push(clipLine(`${r.message}: ${r.error}`));
        break;
      default:
        lines.push(clipLine(r.message));
    }
  }
  if (lines.length <= maxLines) return lines;
  return [...lines.slice(0, maxLines - 1), `… and ${lines.length - maxLines + 1} more line(s)`];
}
