import { RULE_ORDER, type QualityComparison, type Regression } from './comparison.js';
import { refusedFiles, type ChangedFile } from './file-rules.js';
import { resolvePolicy, type QualityPolicy } from './policy.js';
import {
  testKey,
  type CheckResult,
  type LintProblem,
  type QualitySnapshot,
  type TestFailure,
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
  // Structured checks are judged by what they report; the others only by their exit code.
  if (check.format === 'exit-code' && !check.passed && (base === undefined || base.passed)) {
    const rule = check.kind === 'build' ? 'buildBroken' : 'checkBroken';
    const what = rule === 'buildBroken' ? 'build is broken' : `check "${name}" fails`;
    found.push({
      rule,
      check: name,
      command: check.command,
      exitCode: check.exitCode,
      outputTail: check.outputTail,
      message: `${what}: \`${check.command}\` exited with ${check.exitCode}${base ? ' (it passed on the baseline)' : ''}`,
    });
  }
  return found;
}

const severityRank = (r: Regression) => (r.severity === 'error' ? 0 : 1);

function severityOf(rule: Regression['rule'], policy: QualityPolicy): Regression['severity'] | 'off' {
  return rule === 'checkError' ? 'error' : policy[rule];
}

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
  };
}
