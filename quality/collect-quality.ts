import { collectCheck, type CollectOptions } from './collect-check.js';
import type { QualityCheck } from './quality-check.js';
import type { QualitySnapshot } from './snapshot.js';

/** Runs every check in order (one at a time: they compete for the same cores) into a snapshot. */
export async function collectQuality(checks: QualityCheck[], options: CollectOptions): Promise<QualitySnapshot> {
  const results = [];
  for (const check of checks) results.push((await collectCheck(check, options)).result);
  return { checks: results };
}
