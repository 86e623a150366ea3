import { describe, expect, it } from 'vitest';
import { compareToBaseline } from '../../quality/compare-to-baseline.js';
import { qualitySummary, regressionFeedback } from '../../quality/feedback.js';
import { commandCheck, diagnostic, failure, lintCheck, problem, testCheck, typecheckCheck } from './snapshots.js';

describe('regression feedback for the next attempt', () => {
  const baseline = {
    checks: [lintCheck([]), typecheckCheck([]), testCheck([], { lines: 90 }), commandCheck('build', 'build', true)],
  };
  const snapshot = {
    checks: [
      lintCheck([problem('src/parse.js', 12, 'no-unused-vars'), problem('src/parse.js', 20, 'no-console', 'warning')]),
      typecheckCheck([diagnostic('src/parse.ts', 7)]),
      testCheck(
        [
          failure(
            'parser > reads ISO dates',
            "AssertionError: expected '2024-01-02' to be '2024-01-01'\n\n- Expected\n+ Received",
            'test/parser.test.ts',
          ),
        ],
        {
          lines: 70,
          flaky: [failure('clock > ticks')],
        },
      ),
      commandCheck(
        'build',
        'build',
        false,
        'src/index.js:3\nimport { nope } from "./parse.js";\nSyntaxError: The requested module does not provide an export named "nope"',
      ),
    ],
  };
  const comparison = compareToBaseline(snapshot, baseline);
  const feedback = regressionFeedback(comparison);

  it('opens with the verdict', () => {
    expect(feedback.split('\n')[0]).toBe(
      '## Quality gate: this change makes the code worse than the base branch. Fix these regressions:',
    );
  });

  it('gives each new failing test by name and location with its whole failure message', () => {
    expect(feedback).toContain(
      '### Tests that fail now but not on the base branch (blocking)\n' +
        "- `parser > reads ISO dates` (test/parser.test.ts)\n  ```\n  AssertionError: expected '2024-01-02' to be '2024-01-01'\n  \n  - Expected\n  + Received\n  ```",
    );
  });

  it('gives each new type error at file:line:col with its code and message', () => {
    expect(feedback).toContain(
      "### New type errors (blocking)\n- src/parse.ts:7:5 TS2322: Type 'string' is not assignable to type 'number'.",
    );
  });

  it('gives new lint errors at file:line:col with their rule', () => {
    expect(feedback).toContain(
      '### New lint errors (blocking)\n- lint errors 0 → 1 (check "lint")\n  - src/parse.js:12:1 no-unused-vars: no-unused-vars says no',
    );
  });

  it('gives a broken build with the end of its output', () => {
    expect(feedback).toContain(
      '### Build broken (blocking)\n- build is broken: `npm run build` exited with 1 (it passed on the baseline). Output (end):',
    );
    expect(feedback).toContain('SyntaxError: The requested module does not provide an export named "nope"');
  });

  it('marks warnings as not blocking and lists them after the blocking regressions', () => {
    const warnings = feedback.indexOf(
      '### New lint warnings (warning, not blocking)\n- lint warnings 0 → 1 (check "lint")\n  - src/parse.js:20:1 no-console',
    );
    const coverage = feedback.indexOf(
      '### Coverage dropped (warning, not blocking)\n- line coverage 90% → 70% (20 points down, 1 allowed)',
    );
    expect(warnings).toBeGreaterThan(feedback.indexOf('### Build broken'));
    expect(coverage).toBeGreaterThan(feedback.indexOf('### Build broken'));
  });

  it('mentions flaky tests as not counted', () => {
    expect(feedback).toContain(
      '### Flaky tests (failed once, passed when re-run; not counted)\n- `clock > ticks` (check "test")',
    );
  });

  it('summarises the comparison in one line', () => {
    expect(qualitySummary(comparison)).toBe(
      'regression: 1 buildBroken, 1 newFailingTest, 1 newTypeError, 1 lintErrorIncrease, 1 lintWarningIncrease (warning), 1 coverageDrop (warning), 1 flaky',
    );
    expect(qualitySummary(compareToBaseline(baseline, baseline))).toBe('pass');
  });

  it('says when there was no baseline to compare with', () => {
    expect(regressionFeedback(compareToBaseline(snapshot, null))).toContain(
      'The base branch has no quality baseline yet, so every failure counts.',
    );
  });
});
