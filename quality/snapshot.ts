import { z } from 'zod';

/** What a check tells about the code; decides which regressions it can show. */
export const CHECK_KINDS = ['lint', 'typecheck', 'test', 'build', 'generic'] as const;
export const checkKindSchema = z.enum(CHECK_KINDS);
export type CheckKind = z.infer<typeof checkKindSchema>;

/** How the check's tool reports: a machine-readable report, or only its exit code. */
export const REPORT_FORMATS = [
  'eslint-json',
  'tsc',
  'vitest-json',
  'jest-json',
  'node-test',
  /** TAP on stdout: tape, ava --tap, tap --reporter=tap. */
  'tap',
  /** JUnit XML: mocha's xunit reporter. */
  'junit',
  /** uvu's own summary and FAIL lines (it has no machine-readable reporter). */
  'uvu',
  'exit-code',
] as const;
export const reportFormatSchema = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof reportFormatSchema>;

export const lintProblemSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  /** null for a parse error. */
  rule: z.string().nullable(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});
export type LintProblem = z.infer<typeof lintProblemSchema>;

export const lintMetricsSchema = z.object({
  errors: z.number().int(),
  warnings: z.number().int(),
  /** Capped (see MAX_LISTED_PROBLEMS); the counts are exact. */
  problems: z.array(lintProblemSchema),
});
export type LintMetrics = z.infer<typeof lintMetricsSchema>;

export const typeDiagnosticSchema = z.object({
  /** null for a diagnostic about the configuration rather than a file. */
  file: z.string().nullable(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  code: z.string(),
  message: z.string(),
});
export type TypeDiagnostic = z.infer<typeof typeDiagnosticSchema>;

export const typecheckMetricsSchema = z.object({
  errors: z.number().int(),
  /** Capped (see MAX_LISTED_PROBLEMS); the count is exact. */
  diagnostics: z.array(typeDiagnosticSchema),
});
export type TypecheckMetrics = z.infer<typeof typecheckMetricsSchema>;

export const testFailureSchema = z.object({
  /** The test file relative to the worktree, when the reporter ties every test to one; part of the identity. */
  file: z.string().nullable(),
  /** Full name, suites included: `sum > adds negatives`. */
  name: z.string(),
  /** Where it failed, for people: `test/sum.test.js:5:1`. */
  location: z.string().nullable(),
  message: z.string(),
});
export type TestFailure = z.infer<typeof testFailureSchema>;

/** A test's identity: the file is part of it only where the reporter names a file for every test. */
export type TestId = Pick<TestFailure, 'file' | 'name'>;
export const testKey = (test: TestId): string => `${test.file ?? ''}\u0000${test.name}`;

export const testMetricsSchema = z.object({
  passed: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  failures: z.array(testFailureSchema),
  /** Tests that failed, were re-run once and then passed; not counted in `failed`. */
  flaky: z.array(testFailureSchema),
});
export type TestMetrics = z.infer<typeof testMetricsSchema>;

/** Percentages 0–100; null where the tool does not report that measure. */
export const coverageMetricsSchema = z.object({
  lines: z.number().nullable(),
  statements: z.number().nullable(),
  functions: z.number().nullable(),
  branches: z.number().nullable(),
});
export type CoverageMetrics = z.infer<typeof coverageMetricsSchema>;

/** A coverage threshold of the repository's own configuration that the run did not reach. */
export const thresholdMissSchema = z.object({
  /** `lines`, `branches`, `functions`, `statements`, or what the tool called it. */
  measure: z.string(),
  required: z.number(),
  actual: z.number(),
});
export type ThresholdMiss = z.infer<typeof thresholdMissSchema>;

/** Test counts read from a check's output when it has no report (an exit-code check): enough to judge a red base. */
export const outputCountsSchema = z.object({ passed: z.number().int(), failed: z.number().int() });
export type OutputCounts = z.infer<typeof outputCountsSchema>;

export const checkResultSchema = z.object({
  name: z.string(),
  kind: checkKindSchema,
  format: reportFormatSchema,
  /** The command as configured, without the reporter arguments added to it. */
  command: z.string(),
  /** Exit code 0 and a usable report. */
  passed: z.boolean(),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number(),
  /** Why no trustworthy result could be had (missing binary, garbage report, timeout); names the command. */
  error: z.string().nullable(),
  /** The end of the combined output, for feedback on checks that only report an exit code. */
  outputTail: z.string(),
  lint: lintMetricsSchema.nullable(),
  typecheck: typecheckMetricsSchema.nullable(),
  tests: testMetricsSchema.nullable(),
  coverage: coverageMetricsSchema.nullable(),
  /** Coverage thresholds the tool reported as missed (it then exits non-zero with every test passing). */
  thresholdMisses: z.array(thresholdMissSchema).default([]),
  /** For checks without a test report: the passing/failing counts their output shows, when it shows them. */
  outputCounts: outputCountsSchema.nullable().default(null),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const qualitySnapshotSchema = z.object({ checks: z.array(checkResultSchema) });
export type QualitySnapshot = z.infer<typeof qualitySnapshotSchema>;

/** Reports can list thousands of problems; more than this many are counted but not kept. */
export const MAX_LISTED_PROBLEMS = 1_000;

export const allChecksPassed = (snapshot: QualitySnapshot): boolean => snapshot.checks.every((check) => check.passed);
