import { RULE_ORDER, type QualityComparison, type Regression } from './comparison.js';
import { refusedFiles, type ChangedFile } from './file-rules.js';
import { resolvePolicy, type QualityPolicy } from './policy.js';
import {
  testKey,
  type CheckResult,
  type LintProblem,
  type QualitySnapshot,
  type TestFailure,
  type ThresholdMiss,
  type TypeDiagnostic,
} from './snapshot.js';

/** The items of `current` beyond those `baseline` has, counting duplicates (a multiset difference). */
function beyondBaseline<T>(current: T[], baseline: T[], key: (item: T) => string): T[] {
  const remaining = new Map<string, number>();
  for (const item of baseline) remaining.set(key(item), (remaining.get(key(item)) ?? 0) + 1);
  return current.filter((item) => {
    const left = remaining.get(key(item)) ?? 0;
    if (left > 0) remaining.set(key(item), left - 1);
    return left === 0;
  });
}

// Line numbers move with every edit above them, so identities leave them out.
const diagnosticKey = (d: TypeDiagnostic) => `${d.file ?? ''}\u0000${d.code}\u0000${d.message}`;
const lintKey = (p: LintProblem) => `${p.file}\u0000${p.rule ?? ''}\u0000${p.message}`;

export const locationOf = (d: { file: string | null; line: number | null; column: number | null }): string =>
  d.file === null ? '(project)' : `${d.file}${d.line === null ? '' : `:${d.line}:${d.column ?? 0}`}`;

/** The baseline's check of that name; one that errored says nothing and compares like no baseline at all. */
export function usableBaseline(baseline: QualitySnapshot | null, name: string): CheckResult | undefined {
  const check = baseline?.checks.find((c) => c.name === name);
  return check?.error === null ? check : undefined;
}

/** The failing tests of `check` that do not fail on the baseline, by file and full name. */
export function newFailingTests(check: CheckResult, baselineCheck: CheckResult | undefined): TestFailure[] {
  return beyondBaseline(check.tests?.failures ?? [], baselineCheck?.tests?.failures ?? [], testKey);
}

/** A regression before its severity is looked up in the policy. */
type Finding = Regression extends infer R ? (R extends Regression ? Omit<R, 'severity'> : never) : never;

const firstLine = (text: string) => text.split('\n')[0] ?? '';
const round = (n: number) => Math.round(n * 100) / 100;

function checkRegressions(check: CheckResult, base: CheckResult | undefined, policy: QualityPolicy): Finding[] {
  const found: Finding[] = [];
  const name = check.name;
  if (check.error !== null)
    return [{ rule: 'checkError', check: name, message: firstLine(check.error), error: check.error }];

  for (const test of newFailingTests(check, base)) {
    found.push({
      rule: 'newFailingTest',
      check: name,
      test,
      message: `new failing test "${test.name}"${test.file ? ` in ${test.file}` : ''}`,
    });
  }
  if (check.typecheck) {
    for (const diagnostic of beyondBaseline(
      check.typecheck.diagnostics,
      base?.typecheck?.diagnostics ?? [],
      diagnosticKey,
    )) {
      found.push({
        rule: 'newTypeError',
        check: name,
        diagnostic,
        message: `new type error ${locationOf(diagnostic)} ${diagnostic.code}: ${firstLine(diagnostic.message)}`,
      });
    }
  }
  if (check.lint) {
    const newProblems = beyondBaseline(check.lint.problems, base?.lint?.problems ?? [], lintKey);
    for (const [rule, severity, label] of [
      ['lintErrorIncrease', 'error', 'errors'],
      ['lintWarningIncrease', 'warning', 'warnings'],
    ] as const) {
      const before = base?.lint?.[label] ?? 0;
      const now = check.lint[label];
      if (now > before) {
        const problems = newProblems.filter((p) => p.severity === severity);
        found.push({
          rule,
          check: name,
          baseline: before,
          current: now,
          newProblems: problems,
          message: `lint ${label} ${before} → ${now}`,
        });
      }
    }
  }
  const baseLines = base?.coverage?.lines;
  const lines = check.coverage?.lines;
  if (typeof baseLines === 'number' && typeof lines === 'number' && baseLines - lines > policy.coverageDropPercent) {
    found.push({
      rule: 'coverageDrop',
      check: name,
      baseline: baseLines,
      current: lines,
      message: `line coverage ${baseLines}% → ${lines}% (${round(baseLines - lines)} points down, ${policy.coverageDropPercent} allowed)`,
    });
  }
  found.push(...newThresholdMisses(check, base, policy));
  const broken = brokenCommand(check, base);
  // A command that exits non-zero is never a pass: when no finding explains its exit code (eslint
  // --max-warnings on a new warning, a runner failing after every test passed), the exit code itself blocks.
  if (!check.passed && (base === undefined || base.passed)) {
    if (!found.some((f) => EXPLAINS_EXIT_CODE.has(f.rule))) found.push(broken(''));
  } else if (!check.passed && check.format === 'exit-code') {
    found.push(...redBaseFindings(check, base!, broken));
  }
  return found;
}

/** Findings that make a tool exit non-zero by themselves; the policy may still lower them to warnings. */
const EXPLAINS_EXIT_CODE = new Set<Regression['rule']>([
  'newFailingTest',
  'newTypeError',
  'lintErrorIncrease',
  'coverageThreshold',
]);

/** A finding that `check`'s command failed, with `why` after the exit code. */
function brokenCommand(check: CheckResult, base: CheckResult | undefined) {
  return (why: string): Finding => {
    const rule = check.kind === 'build' ? 'buildBroken' : 'checkBroken';
    const what = rule === 'buildBroken' ? 'build is broken' : `check "${check.name}" fails`;
    const passedOnBase = base?.passed ? ' (it passed on the baseline)' : '';
    return {
      rule,
      check: check.name,
      command: check.command,
      exitCode: check.exitCode,
      outputTail: check.outputTail,
      message: `${what}: \`${check.command}\` exited with ${check.exitCode}${passedOnBase}${why}`,
    };
  };
}

const countsText = (c: { passed: number; failed: number }) => `${c.passed} of ${c.passed + c.failed} tests pass`;

/**
 * An exit-code check that fails on the base too: judged by the test counts its output shows (more
 * failing tests is a regression); without counts it cannot judge, which the `redBase` rule reports.
 */
function redBaseFindings(check: CheckResult, base: CheckResult, broken: (why: string) => Finding): Finding[] {
  const now = check.outputCounts;
  const before = base.outputCounts;
  if (now && before) {
    return now.failed > before.failed
      ? [broken(`, and ${countsText(now)} where ${countsText(before)} on the base branch`)]
      : [];
  }
  return [
    {
      rule: 'redBase',
      check: check.name,
      message: `check "${check.name}" already fails on the base branch and shows no test counts: it cannot judge this change`,
    },
  ];
}

const missKey = (m: ThresholdMiss) => `${m.measure}\u0000${m.required}`;

/** Coverage thresholds missed now that the base reached, or missed now by more than the allowed drop. */
function newThresholdMisses(check: CheckResult, base: CheckResult | undefined, policy: QualityPolicy): Finding[] {
  const baseMisses = new Map((base?.thresholdMisses ?? []).map((m) => [missKey(m), m]));
  return check.thresholdMisses
    .filter((miss) => {
      const before = baseMisses.get(missKey(miss));
      return !before || before.actual - miss.actual > policy.coverageDropPercent;
    })
    .map((miss) => ({
      rule: 'coverageThreshold' as const,
      check: check.name,
      ...miss,
      message: `${miss.measure} coverage ${miss.actual}% misses the repository's threshold of ${miss.required}%${
        baseMisses.has(missKey(miss)) ? ` (${baseMisses.get(missKey(miss))!.actual}% on the base branch)` : ''
      }`,
    }));
}

const severityRank = (r: Regression) => (r.severity === 'error' ? 0 : 1);

function severityOf(rule: Regression['rule'], policy: QualityPolicy): Regression['severity'] | 'off' {
  return rule === 'checkError' ? 'error' : policy[rule];
}

/** The checks judged by their exit code alone: no report, and no test counts in their output. */
const exitCodeOnly = (snapshot: QualitySnapshot): string[] =>
  snapshot.checks.filter((c) => c.format === 'exit-code' && c.error === null && !c.outputCounts).map((c) => c.name);

/**
 * Compares a snapshot with the baseline of its base branch (pure). A regression is something the
 * change made worse: a test failing that did not fail before (by name), a new type error or more
 * lint problems (identified without line numbers), a build or exit-code check that broke, line
 * coverage falling beyond the threshold, a check no longer run. A check that could not be collected
 * always blocks. Without a baseline every failure counts as new.
 */
export function compareToBaseline(
  snapshot: QualitySnapshot,
  baseline: QualitySnapshot | null,
  policy: QualityPolicy = resolvePolicy(),
  changedFiles: readonly ChangedFile[] = [],
): QualityComparison {
  const found = snapshot.checks.flatMap((check) =>
    checkRegressions(check, usableBaseline(baseline, check.name), policy),
  );
  found.push(...refusedFiles(changedFiles, policy));
  for (const check of baseline?.checks ?? []) {
    if (!snapshot.checks.some((c) => c.name === check.name)) {
      found.push({
        rule: 'checkMissing',
        check: check.name,
        message: `check "${check.name}" of the baseline is no longer run`,
      });
    }
  }
  const regressions = found
    .map((r) => ({ ...r, severity: severityOf(r.rule, policy) }))
    .filter((r): r is Regression => r.severity !== 'off')
    .sort((a, b) => severityRank(a) - severityRank(b) || RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule));
  return {
    verdict: regressions.some((r) => r.severity === 'error') ? 'regression' : 'pass',
    regressions,
    flaky: snapshot.checks.flatMap((check) => (check.tests?.flaky ?? []).map((test) => ({ check: check.name, test }))),
    hadBaseline: baseline !== null,
    exitCodeOnly: exitCodeOnly(snapshot),
  };
}
