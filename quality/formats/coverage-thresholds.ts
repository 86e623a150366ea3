import type { ThresholdMiss } from '../snapshot.js';

/** How the common tools say a coverage threshold was missed, each with (measure, required, actual) groups. */
const MISS_PATTERNS: Array<{ pattern: RegExp; order: ['measure' | 'required' | 'actual', ...string[]] }> = [
  // Jest: `Jest: "global" coverage threshold for lines (90%) not met: 85.71%`
  {
    pattern: /coverage threshold for (\w+) \(([\d.]+)%\) not met: ([\d.]+)%/g,
    order: ['measure', 'required', 'actual'],
  },
  // istanbul's check-coverage (nyc, c8, Vitest): `ERROR: Coverage for lines (85.71%) does not meet global threshold (90%)`
  {
    pattern: /Coverage for (\w+) \(([\d.]+)%\) does not meet (?:global|"[^"]*") threshold \(([\d.]+)%\)/g,
    order: ['measure', 'actual', 'required'],
  },
  // node --test --test-coverage-lines=90 (Node 22+): `Error: 85.71% line coverage does not meet threshold of 90%`
  {
    pattern: /([\d.]+)% (\w+) coverage does not meet threshold of ([\d.]+)%/g,
    order: ['actual', 'measure', 'required'],
  },
];

const MEASURES: Record<string, string> = { line: 'lines', branch: 'branches', function: 'functions' };

/** The coverage thresholds a run's output says it missed, once per measure and requirement. */
export function thresholdMisses(output: string): ThresholdMiss[] {
  const found = new Map<string, ThresholdMiss>();
  for (const { pattern, order } of MISS_PATTERNS) {
    for (const match of output.matchAll(pattern)) {
      const value = (key: string) => match[order.indexOf(key as never) + 1]!;
      const measure = MEASURES[value('measure')] ?? value('measure');
      const miss = { measure, required: Number(value('required')), actual: Number(value('actual')) };
      found.set(`${miss.measure}\u0000${miss.required}\u0000${miss.actual}`, miss);
    }
  }
  return [...found.values()];
}
