import { Parser, type Result } from 'tap-parser';
import type { TestFailure, TestId } from '../snapshot.js';
import type { TestRun } from './format-adapter.js';
import { cleanMessage, relativeToWorktree } from './report-text.js';
import { ToolReportError } from './tool-report-error.js';

/** TAP comments that are summaries, not the name of the test whose assertions follow (tape). */
const SUMMARY_COMMENT = /^#\s*(tests|pass|fail|ok|skip|todo|cancelled|suites|duration_ms|Subtest:)(\s|$)/i;

type Diag = Record<string, unknown> | null;

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value, null, 2);

/** The failure as the runner described it: node's `error`, ava's `message`/`details`, tap's `diff`, tape's expected/actual. */
function failureMessage(result: Result): string {
  const diag = result.diag as Diag;
  if (!diag) return 'failed';
  const parts = [asText(diag.error) || asText(diag.message) || asText(diag.assertion)];
  if (diag.details && typeof diag.details === 'object')
    parts.push(...Object.entries(diag.details).map(([label, value]) => `${label}\n${asText(value)}`));
  if (typeof diag.diff === 'string') parts.push(diag.diff);
  for (const key of ['wanted', 'found', 'expected', 'actual'])
    if (key in diag && typeof diag.diff !== 'string') parts.push(`${key}: ${asText(diag[key])}`);
  return parts.filter(Boolean).join('\n') || 'failed';
}

function failureLocation(result: Result, worktree: string): string | null {
  const diag = result.diag as Diag;
  const at = diag?.location ?? diag?.at;
  if (typeof at === 'string') return relativeLocation(worktree, at.replace(/\s+/g, ' ').trim());
  if (at && typeof at === 'object') {
    const { file, fileName, line, lineNumber } = at as Record<string, unknown>;
    const where = typeof file === 'string' ? file : typeof fileName === 'string' ? fileName : null;
    const row = line ?? lineNumber;
    if (where) return relativeToWorktree(worktree, where) + (row === undefined ? '' : `:${String(row)}`);
  }
  return null;
}

function relativeLocation(worktree: string, location: string): string {
  // tape: `Test.<anonymous> (/repo/test.js:9:5)`
  location = /\(([^()]+:\d+:\d+)\)$/.exec(location)?.[1] ?? location;
  const match = /^(.*?)((?::\d+){1,2})?$/.exec(location.replace(/^file:\/\//, ''));
  return match ? relativeToWorktree(worktree, match[1]!) + (match[2] ?? '') : location;
}

/**
 * Any TAP stream (tape, ava --tap, tap's tap reporter, node --test): every test point is named by its
 * subtests' names and its own (`suite > test`); in flat TAP (tape) by the `# test` comment before its
 * assertions. A subtest's closing point counts only when it failed and none of its own points did
 * (a file that failed to load, a failing hook). A stream without any test point or plan is an error.
 */
export function parseTapReport(text: string, worktree: string): TestRun {
  const run: TestRun = { passed: 0, failed: 0, skipped: 0, failures: [], passing: [] };
  // tap-parser makes up a version line and an empty plan for any input, so look at the text itself.
  const sawTap = /^\s*(TAP version \d+|\d+\.\.\d+|(not )?ok\b)/m.test(text);
  // Streams with subtests name every test by them; comments there are stray output (node's stderr), not names.
  const nestedTests = /^\s*# Subtest: /m.test(text);
  const parser = new Parser({ passes: true });

  const watch = (p: Parser, prefix: string[]) => {
    let lastChild: { name: string; failed: () => number } | null = null;
    let comment: string | null = null;
    p.on('comment', (line: string) => {
      if (!nestedTests && !SUMMARY_COMMENT.test(line)) comment = line.replace(/^#\s*/, '').trim();
    });
    p.on('child', (child: Parser) => {
      let failedInChild = 0;
      lastChild = { name: child.name, failed: () => failedInChild };
      const before = run.failed;
      child.on('complete', () => (failedInChild = run.failed - before));
      watch(child, [...prefix, child.name.trim()]);
    });
    p.on('assert', (result: Result) => {
      const closesChild = lastChild !== null && lastChild.name.trim() === result.name.trim();
      const childFailures = closesChild ? lastChild!.failed() : 0;
      lastChild = null;
      if (closesChild && (result.ok || childFailures > 0)) return;
      const own = relativeToWorktreeIfPath(worktree, result.name.trim());
      const name = [...prefix, ...(prefix.length === 0 && comment && !closesChild ? [comment] : []), own]
        .filter(Boolean)
        .join(' > ');
      const test: TestId = { file: null, name };
      if (result.skip || result.todo) run.skipped++;
      else if (result.ok) {
        run.passed++;
        run.passing.push(test);
      } else {
        run.failed++;
        const failure: TestFailure = {
          ...test,
          location: failureLocation(result, worktree),
          message: cleanMessage(failureMessage(result)),
        };
        run.failures.push(failure);
      }
    });
  };
  watch(parser, []);
  parser.end(text);
  if (!sawTap)
    throw new ToolReportError(`its report has no TAP test point; it starts with ${JSON.stringify(text.slice(0, 120))}`);
  return run;
}

const relativeToWorktreeIfPath = (worktree: string, name: string) =>
  name.startsWith('/') ? relativeToWorktree(worktree, name) : name;
