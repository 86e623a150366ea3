import { runQualityTool, type CollectOptions } from './collect-check.js';
import { newFailingTests, usableBaseline } from './compare-to-baseline.js';
import { testKey, type CheckResult, type QualitySnapshot } from './snapshot.js';

async function rerunCheck(
  check: CheckResult,
  baseline: QualitySnapshot | null,
  options: CollectOptions,
): Promise<CheckResult> {
  const suspects = newFailingTests(check, usableBaseline(baseline, check.name));
  if (check.error !== null || !check.tests || suspects.length === 0) return check;

  // Vitest and Jest name every test's file, so only those files run again; node:test runs whole.
  const files = suspects.map((test) => test.file);
  const onlyFiles = files.every((file) => file !== null) ? [...new Set(files)] : undefined;
  const rerun = await runQualityTool({ ...check, coverage: false }, options, { coverage: false, onlyFiles });
  if (rerun.result.error !== null) return check;

  const passedNow = new Set(rerun.passing.map(testKey));
  const flaky = suspects.filter((test) => passedNow.has(testKey(test)));
  if (flaky.length === 0) return check;
  const flakyKeys = new Set(flaky.map(testKey));
  const failures = check.tests.failures.filter((test) => !flakyKeys.has(testKey(test)));
  return {
    ...check,
    passed: check.passed || failures.length === 0,
    tests: {
      ...check.tests,
      passed: check.tests.passed + flaky.length,
      failed: check.tests.failed - flaky.length,
      failures,
      flaky: [...check.tests.flaky, ...flaky],
    },
  };
}

/**
 * Re-runs once every test check with failing tests that the baseline does not have. A test that
 * passes on the re-run is moved from `failures` to `flaky`, so it is not taken for a regression;
 * a test still failing (or a re-run that could not be read) leaves the check as it was.
 */
export async function rerunNewFailures(
  snapshot: QualitySnapshot,
  baseline: QualitySnapshot | null,
  options: CollectOptions,
): Promise<QualitySnapshot> {
  const checks: CheckResult[] = [];
  for (const check of snapshot.checks) checks.push(await rerunCheck(check, baseline, options));
  return { checks };
}
