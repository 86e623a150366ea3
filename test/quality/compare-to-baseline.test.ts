import { describe, expect, it } from 'vitest';
import { compareToBaseline } from '../../quality/compare-to-baseline.js';
import { resolvePolicy } from '../../quality/policy.js';
import {
  commandCheck,
  diagnostic,
  erroredCheck,
  failure,
  lintCheck,
  problem,
  testCheck,
  typecheckCheck,
} from './snapshots.js';

const rulesOf = (comparison: ReturnType<typeof compareToBaseline>) =>
  comparison.regressions.map((r) => [r.rule, r.severity]);

describe('compareToBaseline', () => {
  it('passes when nothing got worse, even with failures the baseline already had', () => {
    const baseline = { checks: [testCheck([failure('known broken')]), lintCheck([problem('a.js', 1, 'no-undef')])] };
    const snapshot = { checks: [testCheck([failure('known broken')]), lintCheck([problem('a.js', 7, 'no-undef')])] };
    expect(compareToBaseline(snapshot, baseline)).toEqual({
      verdict: 'pass',
      regressions: [],
      flaky: [],
      hadBaseline: true,
      exitCodeOnly: [],
    });
  });

  it('names each new failing test, telling apart tests of the same name in different files', () => {
    const baseline = { checks: [testCheck([failure('parses dates', 'old', 'test/a.test.js')])] };
    const snapshot = {
      checks: [
        testCheck([
          failure('parses dates', 'old', 'test/a.test.js'),
          failure('parses dates', 'expected 1 to be 2', 'test/b.test.js'),
        ]),
      ],
    };
    const comparison = compareToBaseline(snapshot, baseline);
    expect(comparison.verdict).toBe('regression');
    expect(comparison.regressions).toEqual([
      {
        rule: 'newFailingTest',
        severity: 'error',
        check: 'test',
        message: 'new failing test "parses dates" in test/b.test.js',
        test: {
          file: 'test/b.test.js',
          name: 'parses dates',
          location: 'test/b.test.js',
          message: 'expected 1 to be 2',
        },
      },
    ]);
  });

  it('lists only the new type errors, recognising old ones that moved to another line', () => {
    const baseline = { checks: [typecheckCheck([diagnostic('src/a.ts', 10), diagnostic('src/b.ts', 3)])] };
    const snapshot = {
      checks: [
        typecheckCheck([
          diagnostic('src/a.ts', 14),
          diagnostic('src/b.ts', 3),
          diagnostic('src/b.ts', 9),
          diagnostic('src/c.ts', 1, "Cannot find name 'x'.", 'TS2304'),
        ]),
      ],
    };
    const regressions = compareToBaseline(snapshot, baseline).regressions;
    expect(regressions.map((r) => r.message)).toEqual([
      "new type error src/b.ts:9:5 TS2322: Type 'string' is not assignable to type 'number'.",
      "new type error src/c.ts:1:5 TS2304: Cannot find name 'x'.",
    ]);
  });

  it('reports more lint errors as blocking and more warnings as a warning, each with the new problems', () => {
    const baseline = {
      checks: [lintCheck([problem('a.js', 1, 'no-undef'), problem('a.js', 2, 'no-console', 'warning')])],
    };
    const snapshot = {
      checks: [
        lintCheck([
          problem('a.js', 1, 'no-undef'),
          problem('b.js', 4, 'no-unused-vars'),
          problem('a.js', 2, 'no-console', 'warning'),
          problem('b.js', 5, 'no-console', 'warning'),
        ]),
      ],
    };
    const comparison = compareToBaseline(snapshot, baseline);
    expect(comparison.verdict).toBe('regression');
    expect(comparison.regressions).toEqual([
      expect.objectContaining({
        rule: 'lintErrorIncrease',
        severity: 'error',
        baseline: 1,
        current: 2,
        newProblems: [problem('b.js', 4, 'no-unused-vars')],
      }),
      expect.objectContaining({
        rule: 'lintWarningIncrease',
        severity: 'warning',
        baseline: 1,
        current: 2,
        newProblems: [problem('b.js', 5, 'no-console', 'warning')],
      }),
    ]);
  });

  it('reports a build that broke, but not one that was already broken on the baseline', () => {
    const broken = { checks: [commandCheck('build', 'build', false)] };
    const regressions = compareToBaseline(broken, { checks: [commandCheck('build', 'build', true)] }).regressions;
    expect(regressions).toEqual([
      expect.objectContaining({
        rule: 'buildBroken',
        severity: 'error',
        message: 'build is broken: `npm run build` exited with 1 (it passed on the baseline)',
      }),
    ]);
    expect(compareToBaseline(broken, broken).verdict).toBe('pass');
  });

  it('judges an exit-code-only check that broke as checkBroken', () => {
    const comparison = compareToBaseline(
      { checks: [commandCheck('e2e', 'generic', false)] },
      { checks: [commandCheck('e2e', 'generic', true)] },
    );
    expect(rulesOf(comparison)).toEqual([['checkBroken', 'error']]);
  });

  it('reports line coverage falling beyond the threshold, as configured', () => {
    const baseline = { checks: [testCheck([], { lines: 80 })] };
    const dropped = { checks: [testCheck([], { lines: 78.5 })] };
    expect(compareToBaseline(dropped, baseline).regressions).toEqual([
      expect.objectContaining({
        rule: 'coverageDrop',
        severity: 'warning',
        baseline: 80,
        current: 78.5,
        message: 'line coverage 80% → 78.5% (1.5 points down, 1 allowed)',
      }),
    ]);
    expect(compareToBaseline(dropped, baseline).verdict).toBe('pass');
    expect(compareToBaseline({ checks: [testCheck([], { lines: 79.5 })] }, baseline).regressions).toEqual([]);
    expect(compareToBaseline(dropped, baseline, resolvePolicy({ coverageDropPercent: 2 })).regressions).toEqual([]);
    expect(compareToBaseline(dropped, baseline, resolvePolicy({ coverageDrop: 'error' })).verdict).toBe('regression');
  });

  it('lets the policy lower a rule to a warning, which does not block, or turn it off', () => {
    const baseline = { checks: [testCheck([])] };
    const snapshot = { checks: [testCheck([failure('sometimes red')])] };
    const lowered = compareToBaseline(snapshot, baseline, resolvePolicy({ newFailingTest: 'warning' }));
    expect(lowered.verdict).toBe('pass');
    expect(rulesOf(lowered)).toEqual([['newFailingTest', 'warning']]);
    expect(compareToBaseline(snapshot, baseline, resolvePolicy({ newFailingTest: 'off' })).regressions).toEqual([]);
  });

  it('always blocks on a check that could not be collected, and ignores a baseline check that could not', () => {
    const error = 'check "lint" (`eslint .`) failed: command not found (exit 127)';
    expect(
      compareToBaseline({ checks: [erroredCheck('lint', error)] }, { checks: [erroredCheck('lint', error)] })
        .regressions,
    ).toEqual([{ rule: 'checkError', severity: 'error', check: 'lint', message: error, error }]);
    const afterError = compareToBaseline(
      { checks: [testCheck([failure('was hidden')])] },
      { checks: [{ ...erroredCheck('test', 'garbage'), name: 'test' }] },
    );
    expect(rulesOf(afterError)).toEqual([['newFailingTest', 'error']]);
  });

  it('blocks when a check of the baseline is no longer run', () => {
    const comparison = compareToBaseline(
      { checks: [commandCheck('build', 'build', true)] },
      { checks: [testCheck([]), commandCheck('build', 'build', true)] },
    );
    expect(comparison.regressions).toEqual([
      {
        rule: 'checkMissing',
        severity: 'error',
        check: 'test',
        message: 'check "test" of the baseline is no longer run',
      },
    ]);
  });

  it('lists flaky tests apart from the regressions', () => {
    const flaky = failure('races the clock');
    const comparison = compareToBaseline({ checks: [testCheck([], { flaky: [flaky] })] }, { checks: [testCheck([])] });
    expect(comparison).toEqual({
      verdict: 'pass',
      regressions: [],
      flaky: [{ check: 'test', test: flaky }],
      hadBaseline: true,
      exitCodeOnly: [],
    });
  });

  it('without a baseline counts every failure, and puts blocking regressions before warnings', () => {
    const snapshot = {
      checks: [lintCheck([problem('a.js', 1, 'no-console', 'warning')]), testCheck([failure('red')])],
    };
    const comparison = compareToBaseline(snapshot, null);
    expect(comparison.hadBaseline).toBe(false);
    expect(rulesOf(comparison)).toEqual([
      ['newFailingTest', 'error'],
      ['lintWarningIncrease', 'warning'],
    ]);
  });

  it('blocks a check whose command now exits non-zero although its report only shows a warning (eslint --max-warnings 0)', () => {
    const maxWarnings = (exitCode: number, warnings: number) => ({
      ...lintCheck(Array.from({ length: warnings }, (_, i) => problem('a.js', i + 1, 'no-console', 'warning'))),
      command: 'eslint . --max-warnings 0',
      passed: exitCode === 0,
      exitCode,
    });
    const comparison = compareToBaseline({ checks: [maxWarnings(1, 1)] }, { checks: [maxWarnings(0, 0)] });
    expect(comparison.verdict).toBe('regression');
    expect(rulesOf(comparison)).toEqual([
      ['checkBroken', 'error'],
      ['lintWarningIncrease', 'warning'],
    ]);
    expect(comparison.regressions[0]!.message).toContain('exited with 1 (it passed on the baseline)');
  });

  it('reports a coverage threshold miss with its figures, and not again when the base missed it already', () => {
    const missing = (actual: number) => ({
      ...testCheck([]),
      passed: false,
      exitCode: 1,
      thresholdMisses: [{ measure: 'lines', required: 90, actual }],
    });
    const fromGreen = compareToBaseline({ checks: [missing(85.71)] }, { checks: [testCheck([])] });
    expect(fromGreen.regressions).toEqual([
      expect.objectContaining({
        rule: 'coverageThreshold',
        severity: 'error',
        measure: 'lines',
        required: 90,
        actual: 85.71,
        message: "lines coverage 85.71% misses the repository's threshold of 90%",
      }),
    ]);
    expect(compareToBaseline({ checks: [missing(86)] }, { checks: [missing(85.71)] }).verdict).toBe('pass');
    expect(rulesOf(compareToBaseline({ checks: [missing(80)] }, { checks: [missing(85.71)] }))).toEqual([
      ['coverageThreshold', 'error'],
    ]);
  });

  it('on a red base judges an exit-code check by the test counts in its output, and says when it cannot', () => {
    const red = (counts: { passed: number; failed: number } | null) => ({
      ...commandCheck('test', 'test', false),
      outputCounts: counts,
    });
    const oneMore = compareToBaseline(
      { checks: [red({ passed: 43, failed: 2 })] },
      { checks: [red({ passed: 44, failed: 1 })] },
    );
    expect(rulesOf(oneMore)).toEqual([['checkBroken', 'error']]);
    expect(oneMore.regressions[0]!.message).toContain('43 of 45 tests pass where 44 of 45 tests pass on the base');
    expect(
      compareToBaseline({ checks: [red({ passed: 45, failed: 1 })] }, { checks: [red({ passed: 44, failed: 1 })] })
        .verdict,
    ).toBe('pass');

    const blind = compareToBaseline({ checks: [red(null)] }, { checks: [red(null)] });
    expect(blind.verdict).toBe('pass');
    expect(rulesOf(blind)).toEqual([['redBase', 'warning']]);
    expect(blind.exitCodeOnly).toEqual(['test']);
    expect(
      compareToBaseline({ checks: [red(null)] }, { checks: [red(null)] }, resolvePolicy({ redBase: 'error' })).verdict,
    ).toBe('regression');
  });
});
