import type { ToolRunResult } from './collect-check.js';
import { collectQuality } from './collect-quality.js';
import type { QualityComparison } from './comparison.js';
import { compareToBaseline } from './compare-to-baseline.js';
import type { ChangedFile } from './file-rules.js';
import type { QualityGate } from './baseline.js';
import { qualitySummary, regressionFeedback } from './feedback.js';
import { checkOptions, installGateDependencies, type GateCommandOptions } from './gate-commands.js';
import type { GateCheckRun, GateContext } from './gate-context.js';
import type { QualityCheck } from './quality-check.js';
import { rerunNewFailures } from './rerun-new-failures.js';
import { checkResultSchema, type CheckResult, type QualitySnapshot } from './snapshot.js';

export interface QualityGateOptions extends GateCommandOptions {
  /** The checks and policy the change is judged by (read from its base commit). */
  gate: QualityGate;
  /** The base branch's baseline snapshot; null when it has none yet. */
  baseline: QualitySnapshot | null;
  /** The files the change adds or modifies, judged by the policy's file rules. */
  changedFiles?: readonly ChangedFile[];
}

export interface QualityGateOutcome {
  snapshot: QualitySnapshot;
  comparison: QualityComparison;
  /** The comparison's verdict is `pass`. */
  passed: boolean;
  /** One line: `regression: 1 newFailingTest`. */
  summary: string;
  /** What the next attempt's agent reads; null when the gate passed. */
  feedback: string | null;
  /** The checks whose snapshot result did not pass. */
  failedChecks: string[];
}

/** The stored runs whose results parse, by check name. */
async function previousResults(context: GateContext): Promise<Map<string, CheckResult>> {
  const results = new Map<string, CheckResult>();
  for (const run of await context.previousRuns()) {
    const parsed = checkResultSchema.safeParse(run.result);
    if (parsed.success) results.set(run.name, parsed.data);
  }
  return results;
}

const checkRun = (check: QualityCheck, { result, output, outputTruncated }: ToolRunResult): GateCheckRun => ({
  name: check.name,
  command: check.command,
  exitCode: result.exitCode,
  passed: result.passed,
  timedOut: result.timedOut,
  durationMs: result.durationMs,
  output,
  outputTruncated,
  result,
});

/**
 * The quality gate for one worktree: installs its dependencies if needed, runs every check of the
 * gate for real (taking the results the context already stored instead of running those checks
 * again, and storing each new run as it finishes), re-runs new test failures once to tell flaky
 * tests, and compares the snapshot with the baseline by the gate's policy.
 */
export async function runQualityGate(options: QualityGateOptions, context: GateContext): Promise<QualityGateOutcome> {
  const previous = await previousResults(context);
  const collect = checkOptions(options, context);
  await installGateDependencies(options, context);
  const collected = await collectQuality(options.gate.checks, collect, {
    previous,
    onFinished: (check, run) => context.recordRun(checkRun(check, run)),
  });
  const snapshot = await rerunNewFailures(collected, options.baseline, collect);
  const comparison = compareToBaseline(snapshot, options.baseline, options.gate.policy, options.changedFiles);
  const passed = comparison.verdict === 'pass';
  return {
    snapshot,
    comparison,
    passed,
    summary: qualitySummary(comparison),
    feedback: passed ? null : regressionFeedback(comparison),
    failedChecks: snapshot.checks.filter((c) => !c.passed).map((c) => c.name),
  };
}
