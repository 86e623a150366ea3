import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCoverageSummary } from '../../quality/formats/coverage-summary.js';
import { parseEslintReport } from '../../quality/formats/eslint-json.js';
import { FILE_FAILED_TO_RUN, parseJestStyleReport } from '../../quality/formats/jest-style-report.js';
import { parseNodeTestTap } from '../../quality/formats/node-test-tap.js';
import { ToolReportError } from '../../quality/formats/tool-report-error.js';
import { parseTscOutput } from '../../quality/formats/tsc.js';

const captured = (file: string) => readFileSync(path.join(import.meta.dirname, '../fixtures/quality', file), 'utf8');
// The roots of the projects the reports were captured in (see test/fixtures/quality/README.md).
const JS_PROJECT = '/tmp/capture/js-project';
const JEST_PROJECT = '/tmp/capture/jest-project';
const NODE_PROJECT = '/tmp/capture/node-project';

describe('eslint JSON report', () => {
  it('counts errors and warnings and lists each problem with file:line:col and rule, relative to the worktree', () => {
    const lint = parseEslintReport(captured('eslint-report.json'), JS_PROJECT);
    expect(lint).toMatchObject({ errors: 3, warnings: 1 });
    expect(lint.problems).toContainEqual({
      file: 'src/lint.js',
      line: 2,
      column: 9,
      rule: 'no-unused-vars',
      severity: 'error',
      message: "'unused' is assigned a value but never used.",
    });
    expect(lint.problems).toContainEqual({
      file: 'src/lint.js',
      line: 3,
      column: 3,
      rule: 'no-console',
      severity: 'warning',
      message: 'Unexpected console statement.',
    });
    expect(lint.problems).toContainEqual({
      file: 'src/syntax.js',
      line: 1,
      column: 24,
      rule: null,
      severity: 'error',
      message: 'Parsing error: Unexpected token ;',
    });
  });

  it('refuses a truncated report', () => {
    const text = captured('eslint-report.json');
    expect(() => parseEslintReport(text.slice(0, text.length / 2), JS_PROJECT)).toThrow(
      /not valid JSON \(garbage or truncated\?\)/,
    );
  });

  it('refuses JSON of another shape', () => {
    expect(() => parseEslintReport('{"results": []}', JS_PROJECT)).toThrow(ToolReportError);
    expect(() => parseEslintReport('{"results": []}', JS_PROJECT)).toThrow(/does not have the expected shape/);
  });
});

describe('tsc --pretty false output', () => {
  it('reads each diagnostic with file, line, column, code and its whole message chain', () => {
    const typecheck = parseTscOutput(captured('tsc-output.txt'));
    expect(typecheck.errors).toBe(4);
    expect(typecheck.diagnostics[1]).toEqual({
      file: 'src/types.js',
      line: 2,
      column: 14,
      code: 'TS2322',
      message: "Type 'string' is not assignable to type 'number'.",
    });
    expect(typecheck.diagnostics[3]).toMatchObject({ file: 'src/types.js', line: 12, column: 28, code: 'TS2345' });
    expect(typecheck.diagnostics[3]!.message.split('\n')).toEqual([
      "Argument of type '{ inner: { depth: string; }; }' is not assignable to parameter of type '{ inner: { depth: number; }; }'.",
      "The types of 'inner.depth' are incompatible between these types.",
      "Type 'string' is not assignable to type 'number'.",
    ]);
  });

  it('reads a diagnostic about the configuration, which has no file', () => {
    expect(parseTscOutput(captured('tsc-global-error.txt')).diagnostics).toEqual([
      { file: null, line: null, column: null, code: 'TS5023', message: "Unknown compiler option '--notAnOption'." },
    ]);
  });

  it('ignores lines that are not diagnostics, such as npm run banners', () => {
    expect(parseTscOutput('\n> fixture@1.0.0 typecheck\n> tsc --noEmit\n\n').errors).toBe(0);
  });
});

describe('vitest JSON report', () => {
  const run = parseJestStyleReport(captured('vitest-report.json'), JS_PROJECT, 'vitest JSON report');

  it('names each failing test with its suites and file, with the assertion message and no stack frames', () => {
    const failure = run.failures.find((f) => f.name === 'sum > adds negatives');
    expect(failure).toMatchObject({ file: 'test/sum.test.js', location: 'test/sum.test.js' });
    expect(failure!.message).toBe('AssertionError: expected -4 to be -5 // Object.is equality');
  });

  it('reports a test file that failed to load as one failure of that file', () => {
    expect(run.failures).toContainEqual({
      file: 'test/broken.test.js',
      name: FILE_FAILED_TO_RUN,
      location: 'test/broken.test.js',
      message: "Cannot find module '../src/missing.js' imported from /tmp/capture/js-project/test/broken.test.js",
    });
  });

  it('counts passed, failed and skipped (todo included) tests and lists the passing ones', () => {
    expect(run).toMatchObject({ passed: 2, failed: 2, skipped: 2 });
    expect(run.passing).toContainEqual({ file: 'test/sum.test.js', name: 'sum > nested > keeps zero' });
  });

  it('refuses a truncated report', () => {
    const text = captured('vitest-report.json');
    expect(() => parseJestStyleReport(text.slice(0, 700), JS_PROJECT, 'vitest JSON report')).toThrow(
      /vitest JSON report is not valid JSON/,
    );
  });
});

describe('jest JSON report', () => {
  const run = parseJestStyleReport(captured('jest-report.json'), JEST_PROJECT, 'jest JSON report');

  it('names failing tests like vitest does, with the matcher message', () => {
    const failure = run.failures.find((f) => f.name === 'sum > adds negatives');
    expect(failure).toMatchObject({ file: 'test/sum.test.js' });
    expect(failure!.message).toBe(
      'Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: -5\nReceived: -4',
    );
  });

  it('reports the suite that failed to run, without terminal colours', () => {
    const broken = run.failures.find((f) => f.file === 'test/broken.test.js');
    expect(broken?.name).toBe(FILE_FAILED_TO_RUN);
    expect(broken?.message).toContain("Cannot find module '../src/missing.js' from 'test/broken.test.js'");
    expect(broken?.message).not.toContain('\u001b[');
  });

  it('counts pending and todo tests as skipped', () => {
    expect(run).toMatchObject({ passed: 2, failed: 2, skipped: 2 });
  });
});

describe('node:test TAP report', () => {
  const { tests, coverage } = parseNodeTestTap(captured('node-test-report.tap'), NODE_PROJECT);

  it('takes the counts from the summary and names failing tests with their suites, message and location', () => {
    expect(tests).toMatchObject({ passed: 2, failed: 4, skipped: 2 });
    expect(tests.failures).toContainEqual({
      file: null,
      name: 'sum fails',
      location: 'test/sum.test.js:5:1',
      message: 'two and two\n\n4 !== 5',
    });
    expect(tests.failures).toContainEqual({
      file: null,
      name: 'group > nested "fail"',
      location: 'test/sum.test.js:8:3',
      message: 'boom\nsecond line',
    });
  });

  it('unescapes names and quoted messages', () => {
    expect(tests.failures).toContainEqual(
      expect.objectContaining({ name: "it's quoted # hash \\ back", message: "can't do it" }),
    );
  });

  it('reports a test file that failed to load by its path, with the error it printed', () => {
    const broken = tests.failures.find((f) => f.name === 'test/broken.test.js');
    expect(broken?.message).toContain("Cannot find module '/tmp/capture/node-project/test/nope.js'");
  });

  it('does not count a suite whose failure is only that of its subtests', () => {
    expect(tests.failures.map((f) => f.name)).not.toContain('group');
    expect(tests.passing.map((t) => t.name).sort()).toEqual(['group > nested pass', 'sum adds']);
  });

  it('reads the coverage totals of the all-files row', () => {
    expect(coverage).toEqual({ lines: 100, branches: 100, functions: 77.78, statements: null });
  });

  it('refuses a report cut off before its summary, and output that is not TAP', () => {
    const text = captured('node-test-report.tap');
    expect(() => parseNodeTestTap(text.slice(0, text.indexOf('# tests')), NODE_PROJECT)).toThrow(
      /no `# tests\/# pass\/# fail` summary/,
    );
    expect(() => parseNodeTestTap('✔ all good\n', NODE_PROJECT)).toThrow(/not TAP/);
  });
});

describe('istanbul coverage-summary.json', () => {
  it('reads the totals written by jest and by vitest', () => {
    expect(parseCoverageSummary(captured('jest-coverage-summary.json'))).toEqual({
      lines: 66.66,
      statements: 50,
      functions: 50,
      branches: 0,
    });
    expect(parseCoverageSummary(captured('vitest-coverage-summary.json'))).toEqual({
      lines: 50,
      statements: 40,
      functions: 50,
      branches: 0,
    });
  });
});
