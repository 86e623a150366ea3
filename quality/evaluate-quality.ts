import type { CollectOptions } from './collect-check.js';
import { collectQuality } from './collect-quality.js';
import type { QualityComparison } from './comparison.js';
import { compareToBaseline } from './compare-to-baseline.js';
import { detectQualityChecks } from './detect-checks.js';
import { resolvePolicy, type QualityPolicy } from './policy.js';
import type { QualityCheck } from './quality-check.js';
import { readRepoConfig } from './repo-config.js';
import { rerunNewFailures } from './rerun-new-failures.js';
import type { QualitySnapshot } from './snapshot.js';

export interface EvaluateQualityOptions extends CollectOptions {
  /** The base branch's baseline snapshot; null when it has none yet. */
  baseline: QualitySnapshot | null;
  /** Default: detectQualityChecks(worktree). */
  checks?: QualityCheck[];
  /** Default: the defaults with the `quality` overrides of the worktree's `.swarm.json`. */
  policy?: QualityPolicy;
}

export interface QualityEvaluation {
  snapshot: QualitySnapshot;
  comparison: QualityComparison;
}

/** The quality gate for one worktree: collect every check, re-run new test failures once, compare with the baseline. */
export async function evaluateQuality(options: EvaluateQualityOptions): Promise<QualityEvaluation> {
  const checks = options.checks ?? detectQualityChecks(options.worktree);
  const policy = options.policy ?? resolvePolicy(readRepoConfig(options.worktree)?.quality);
  const collected = await collectQuality(checks, options);
  const snapshot = await rerunNewFailures(collected, options.baseline, options);
  return { snapshot, comparison: compareToBaseline(snapshot, options.baseline, policy) };
}
