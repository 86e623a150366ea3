import type { CheckResult, LintProblem, TestFailure, TypeDiagnostic } from '../../quality/snapshot.js';

/** Hand-made check results for the pure tests of comparison and feedback. */
const base = (overrides: Partial<CheckResult>): CheckResult => ({
  name: 'check',
  kind: 'generic',
  format: 'exit-code',
  command: 'true',
  passed: true,
  exitCode: 0,
  timedOut: false,
  durationMs: 10,
  error: null,
  outputTail: '',
  lint: null,
  typecheck: null,
  tests: null,
  coverage: null,
  thresholdMisses: [],
  outputCounts: null,
  ...overrides,
});

export const failure = (
  name: string,
  message = `${name} failed`,
  file: string | null = 'test/a.test.js',
): TestFailure => ({ file, name, location: file, message });

export const testCheck = (
  failures: TestFailure[],
  extra: { passed?: number; flaky?: TestFailure[]; lines?: number } = {},
): CheckResult =>
  base({
    name: 'test',
    kind: 'test',
    format: 'vitest-json',
    command: 'vitest run',
    passed: failures.length === 0,
    exitCode: failures.length === 0 ? 0 : 1,
    tests: { passed: extra.passed ?? 10, failed: failures.length, skipped: 0, failures, flaky: extra.flaky ?? [] },
    coverage:
      extra.lines === undefined ? null : { lines: extra.lines, statements: null, functions: null, branches: null },
  });

export const diagnostic = (
  file: string,
  line: number,
  message = "Type 'string' is not assignable to type 'number'.",
  code = 'TS2322',
): TypeDiagnostic => ({
  file,
  line,
  column: 5,
  code,
  message,
});

export const typecheckCheck = (diagnostics: TypeDiagnostic[]): CheckResult =>
  base({
    name: 'typecheck',
    kind: 'typecheck',
    format: 'tsc',
    command: 'tsc --noEmit',
    passed: diagnostics.length === 0,
    exitCode: diagnostics.length === 0 ? 0 : 2,
    typecheck: { errors: diagnostics.length, diagnostics },
  });

export const problem = (
  file: string,
  line: number,
  rule: string,
  severity: LintProblem['severity'] = 'error',
): LintProblem => ({
  file,
  line,
  column: 1,
  rule,
  severity,
  message: `${rule} says no`,
});

export const lintCheck = (problems: LintProblem[]): CheckResult => {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return base({
    name: 'lint',
    kind: 'lint',
    format: 'eslint-json',
    command: 'eslint .',
    passed: errors === 0,
    exitCode: errors === 0 ? 0 : 1,
    lint: { errors, warnings: problems.length - errors, problems },
  });
};

export const commandCheck = (name: string, kind: CheckResult['kind'], passed: boolean, outputTail = ''): CheckResult =>
  base({ name, kind, command: `npm run ${name}`, passed, exitCode: passed ? 0 : 1, outputTail });

export const erroredCheck = (name: string, error: string): CheckResult =>
  base({ name, passed: false, exitCode: 127, error });
