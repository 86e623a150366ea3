import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { CoverageMetrics } from '../snapshot.js';
import { parseJsonReport } from './report-text.js';

// istanbul writes "Unknown" where there was nothing to measure.
const measure = z.object({ pct: z.union([z.number(), z.literal('Unknown')]) }).optional();
const summarySchema = z.object({
  total: z.object({ lines: measure, statements: measure, functions: measure, branches: measure }),
});

const percent = (m: z.infer<typeof measure>): number | null => (m === undefined || m.pct === 'Unknown' ? null : m.pct);

/** istanbul's `json-summary` (coverage-summary.json), written by Jest and by Vitest's coverage providers. */
export function parseCoverageSummary(text: string): CoverageMetrics {
  const { total } = parseJsonReport(text, summarySchema, 'coverage-summary.json');
  return {
    lines: percent(total.lines),
    statements: percent(total.statements),
    functions: percent(total.functions),
    branches: percent(total.branches),
  };
}

/** The coverage summary a run wrote into `dir`, or null when the tool wrote none. */
export async function readCoverageSummary(dir: string): Promise<CoverageMetrics | null> {
  const text = await readFile(path.join(dir, 'coverage-summary.json'), 'utf8').catch(() => null);
  return text === null ? null : parseCoverageSummary(text);
}
