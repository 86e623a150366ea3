import path from 'node:path';
import type { CoverageMetrics, TestFailure, TestId } from '../snapshot.js';
import type { TestRun } from './format-adapter.js';
import { cleanMessage, relativeToWorktree } from './report-text.js';
import { ToolReportError } from './tool-report-error.js';

export interface NodeTestReport {
  tests: TestRun;
  coverage: CoverageMetrics | null;
}

const TEST_POINT = /^(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$/i;
const SUMMARY = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/;
const COVERAGE_TOTAL = /^# all files\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|/;
const TAP_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };
const JS_ESCAPES: Record<string, string> = { ...TAP_ESCAPES, '0': '\0' };

/** Test names escape `\` and `#` (and control characters) in TAP. */
const unescapeName = (name: string) => name.replace(/\\(.)/g, (_, c: string) => TAP_ESCAPES[c] ?? c);

/** Node prints one-line YAML strings as JavaScript literals (util.inspect): '…', "…" or `…`. */
function unquote(value: string): string {
  const quote = value[0];
  if (value.length < 2 || !(quote === "'" || quote === '"' || quote === '`') || value.at(-1) !== quote) return value;
  return value
    .slice(1, -1)
    .replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, e: string) =>
      e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (JS_ESCAPES[e] ?? e),
    );
}

/** The top-level keys of a test point's YAML diagnostic block; `|-` blocks joined by newlines. */
function readYamlBlock(
  lines: string[],
  start: number,
  indent: number,
): { fields: Record<string, string>; next: number } {
  const fields: Record<string, string> = {};
  const pad = ' '.repeat(indent);
  const end = `${pad}...`;
  if (lines[start] !== `${pad}---`) return { fields, next: start };
  let i = start + 1;
  while (i < lines.length && lines[i] !== end) {
    const line = lines[i++]!;
    // Only the block's own keys: deeper lines belong to a nested value such as `expected:`.
    const entry = line.startsWith(pad) && line[indent] !== ' ' ? /^(\w+): ?(.*)$/.exec(line.slice(indent)) : null;
    if (!entry) continue;
    const [key = '', value = ''] = entry.slice(1);
    if (value === '|-' || value === '|') {
      const block: string[] = [];
      while (i < lines.length && lines[i] !== end && (lines[i]!.startsWith(`${pad}  `) || lines[i]!.trim() === ''))
        block.push(lines[i++]!.slice(indent + 2));
      fields[key] = block.join('\n');
    } else {
      fields[key] = value === '~' ? '' : unquote(value);
    }
  }
  return { fields, next: i + 1 };
}

function relativeLocation(worktree: string, location: string | undefined): string | null {
  if (!location) return null;
  const match = /^(.*?)(:\d+:\d+)?$/.exec(location);
  return match ? relativeToWorktree(worktree, match[1]!) + (match[2] ?? '') : location;
}

/**
 * The TAP that `node --test --test-reporter=tap` writes (Node 20+): nested subtests indented by four
 * spaces, YAML diagnostics with the error and location, a `# tests/pass/fail/…` summary and, with
 * `--experimental-test-coverage`, a coverage table whose `all files` row holds the totals. A report
 * without the summary (garbage, or cut off) is an error. Names are `suite > test`; a test file that
 * failed to load is named by its path and carries the file's stderr as its message.
 */
export function parseNodeTestTap(text: string, worktree: string): NodeTestReport {
  const lines = text.split(/\r?\n/);
  if (!lines.some((line) => /^TAP version \d+$/.test(line))) {
    throw new ToolReportError(`its report is not TAP; it starts with ${JSON.stringify(text.slice(0, 120))}`);
  }
  const suites: string[] = [];
  const summary: Record<string, number> = {};
  const failures: TestFailure[] = [];
  const passing: TestId[] = [];
  let coverage: CoverageMetrics | null = null;
  let stderrLines: string[] = [];

  for (let i = 0; i < lines.length;) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    const body = line.trimStart();
    const level = Math.floor(indent / 4);
    i++;
    if (body.startsWith('# Subtest: ')) {
      suites.length = level;
      suites[level] = unescapeName(body.slice('# Subtest: '.length));
      continue;
    }
    const point = TEST_POINT.exec(body);
    if (point) {
      const { fields, next } = readYamlBlock(lines, i, indent + 2);
      i = next;
      const name = [...suites.slice(0, level), relativeToWorktreeIfPath(worktree, unescapeName(point[2]!))].join(' > ');
      const directive = point[3]?.toUpperCase();
      if (directive) continue;
      if (point[1] === 'ok') {
        if (fields.type !== 'suite') passing.push({ file: null, name });
      } else if (fields.failureType !== 'subtestsFailed') {
        const processFailed = 'exitCode' in fields && level === 0;
        const message = processFailed && stderrLines.length > 0 ? stderrLines.join('\n') : (fields.error ?? 'failed');
        failures.push({
          file: null,
          name,
          location: relativeLocation(worktree, fields.location),
          message: cleanMessage(message),
        });
      }
      stderrLines = [];
      continue;
    }
    if (indent !== 0 || !body.startsWith('#')) continue;
    const count = SUMMARY.exec(body);
    const total = COVERAGE_TOTAL.exec(body);
    if (count) summary[count[1]!] = Number(count[2]);
    else if (total)
      coverage = { lines: Number(total[1]), branches: Number(total[2]), functions: Number(total[3]), statements: null };
    else stderrLines.push(body.slice(2));
  }

  if (summary.tests === undefined || summary.pass === undefined || summary.fail === undefined) {
    throw new ToolReportError('its TAP report has no `# tests/# pass/# fail` summary (garbage or truncated?)');
  }
  return {
    tests: {
      passed: summary.pass,
      failed: summary.fail + (summary.cancelled ?? 0),
      skipped: (summary.skipped ?? 0) + (summary.todo ?? 0),
      failures,
      passing,
    },
    coverage,
  };
}

/** A test file that fails to load is reported under its absolute path. */
function relativeToWorktreeIfPath(worktree: string, name: string): string {
  return path.isAbsolute(name) ? relativeToWorktree(worktree, name) : name;
}
