import type { OutputCounts } from '../snapshot.js';

interface CountPattern {
  passed: RegExp;
  failed?: RegExp;
  /** Tests run, for runners that print it and passed but no failed count (uvu; its total leaves skipped tests out). */
  total?: RegExp;
}

/** Summary lines of common runners' default reporters, most specific first. */
const COUNT_PATTERNS: CountPattern[] = [
  // Jest: `Tests:       1 failed, 44 passed, 45 total`
  { passed: /^Tests:.*?(\d+) passed/gm, failed: /^Tests:.*?(\d+) failed/gm },
  // Vitest: `Tests  1 failed | 44 passed (45)`
  { passed: /^\s*Tests\s+.*?(\d+) passed/gm, failed: /^\s*Tests\s+.*?(\d+) failed/gm },
  // TAP summaries (tape, node --test's tap reporter) and node's spec reporter (`ℹ pass 44`).
  { passed: /^(?:#|ℹ) pass (\d+)$/gm, failed: /^(?:#|ℹ) fail (\d+)$/gm },
  // Mocha: `44 passing (12ms)`, `1 failing`
  { passed: /^\s*(\d+) passing\b/gm, failed: /^\s*(\d+) failing\b/gm },
  // AVA: `44 tests passed`, `1 test failed`
  { passed: /^\s*(\d+) tests? passed/gm, failed: /^\s*(\d+) tests? failed/gm },
  // uvu: `Total:     45`, `Passed:    44`
  { passed: /^\s*Passed:\s+(\d+)$/gm, total: /^\s*Total:\s+(\d+)$/gm },
];

const lastNumber = (output: string, pattern: RegExp | undefined): number | null => {
  const last = pattern ? [...output.matchAll(pattern)].at(-1)?.[1] : undefined;
  return last === undefined ? null : Number(last);
};

/**
 * The passing and failing test counts a runner's summary shows in its output, or null when none
 * is recognised. Used for checks without a report, to tell "one more test fails" on a red base.
 */
export function outputCounts(output: string): OutputCounts | null {
  for (const pattern of COUNT_PATTERNS) {
    const passed = lastNumber(output, pattern.passed);
    const total = lastNumber(output, pattern.total);
    const failed = total !== null && passed !== null ? total - passed : lastNumber(output, pattern.failed);
    if (passed !== null || failed !== null) return { passed: passed ?? 0, failed: failed ?? 0 };
  }
  return null;
}
