import { z } from 'zod';
import { lintProblemSchema, testFailureSchema, typeDiagnosticSchema } from './snapshot.js';

const common = {
  /** The check it was found in. */
  check: z.string(),
  severity: z.enum(['error', 'warning']),
  /** One line for people and summaries. */
  message: z.string(),
};
const lintIncrease = { ...common, baseline: z.number(), current: z.number(), newProblems: z.array(lintProblemSchema) };
const brokenCommand = { ...common, command: z.string(), exitCode: z.number().nullable(), outputTail: z.string() };

export const regressionSchema = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('newFailingTest'), ...common, test: testFailureSchema }),
  z.object({ rule: z.literal('newTypeError'), ...common, diagnostic: typeDiagnosticSchema }),
  z.object({ rule: z.literal('lintErrorIncrease'), ...lintIncrease }),
  z.object({ rule: z.literal('lintWarningIncrease'), ...lintIncrease }),
  z.object({ rule: z.literal('buildBroken'), ...brokenCommand }),
  z.object({ rule: z.literal('checkBroken'), ...brokenCommand }),
  z.object({ rule: z.literal('checkMissing'), ...common }),
  z.object({ rule: z.literal('checkError'), ...common, error: z.string() }),
  z.object({ rule: z.literal('coverageDrop'), ...common, baseline: z.number(), current: z.number() }),
  z.object({
    rule: z.literal('coverageThreshold'),
    ...common,
    measure: z.string(),
    required: z.number(),
    actual: z.number(),
  }),
  /** A check that fails on the base and shows nothing finer than its exit code: it cannot judge the change. */
  z.object({ rule: z.literal('redBase'), ...common }),
  z.object({
    rule: z.literal('fileRefused'),
    ...common,
    file: z.string(),
    reason: z.enum(['binary', 'tooLarge']),
    bytes: z.number(),
  }),
]);
export type Regression = z.infer<typeof regressionSchema>;
export type RegressionRule = Regression['rule'];

/** The order regressions are listed in (within each severity): what stops everything first. */
export const RULE_ORDER: RegressionRule[] = [
  'checkError',
  'fileRefused',
  'checkMissing',
  'buildBroken',
  'checkBroken',
  'newFailingTest',
  'coverageThreshold',
  'newTypeError',
  'lintErrorIncrease',
  'lintWarningIncrease',
  'coverageDrop',
  'redBase',
];

export const qualityComparisonSchema = z.object({
  /** `regression` when at least one regression has severity `error`. */
  verdict: z.enum(['pass', 'regression']),
  /** Blocking ones first, each severity in RULE_ORDER. */
  regressions: z.array(regressionSchema),
  /** Tests that failed once and passed on their re-run; not regressions. */
  flaky: z.array(z.object({ check: z.string(), test: testFailureSchema })),
  /** false when there was no baseline and every failure counted as new. */
  hadBaseline: z.boolean(),
  /** Checks judged by their exit code alone (no report, no test counts in their output). */
  exitCodeOnly: z.array(z.string()).default([]),
});
export type QualityComparison = z.infer<typeof qualityComparisonSchema>;
