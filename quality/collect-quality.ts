import { collectCheck, type CollectOptions, type ToolRunResult } from './collect-check.js';
import { throwIfCancelled } from './gate-context.js';
import type { QualityCheck } from './quality-check.js';
import type { CheckResult, QualitySnapshot } from './snapshot.js';

export interface CollectHooks {
  /** Results already had, by check name; those checks are not run again. */
  previous?: ReadonlyMap<string, CheckResult>;
  /** Called with each check's run as soon as it finishes (not for a run that was cancelled). */
  onFinished?: (check: QualityCheck, run: ToolRunResult) => Promise<void>;
}

/**
 * Runs every check in order (one at a time: they compete for the same cores) into a snapshot,
 * taking the results in `hooks.previous` instead of running those checks. Throws the cancellation
 * reason once `options.signal` is aborted.
 */
export async function collectQuality(
  checks: QualityCheck[],
  options: CollectOptions,
  hooks: CollectHooks = {},
): Promise<QualitySnapshot> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const previous = hooks.previous?.get(check.name);
    if (previous) {
      results.push(previous);
      continue;
    }
    throwIfCancelled(options.signal);
    const run = await collectCheck(check, options);
    throwIfCancelled(options.signal);
    await hooks.onFinished?.(check, run);
    results.push(run.result);
  }
  return { checks: results };
}
