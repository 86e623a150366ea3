import type { ReportFormat } from './snapshot.js';

/** The tools the gate can read, by the name they are invoked by. */
export const RUNNER_FORMATS = {
  eslint: 'eslint-json',
  tsc: 'tsc',
  vitest: 'vitest-json',
  jest: 'jest-json',
  'node-test': 'node-test',
  mocha: 'junit',
  ava: 'tap',
  tap: 'tap',
  tape: 'tap',
  uvu: 'uvu',
} as const satisfies Record<string, ReportFormat>;
export type Runner = keyof typeof RUNNER_FORMATS;

/** Words that run the command after them (with their own options first): skipped to find the runner. */
const WRAPPERS = new Set(['npx', 'cross-env', 'env', 'dotenv', 'c8', 'nyc', 'time', 'nice']);
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Shell-like words of a simple command (quotes kept off, no expansion). */
export function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/**
 * The runner a simple command invokes, looking past environment assignments and wrappers such as
 * `cross-env`, `npx`, `c8` and `nyc` (and their options): `c8 --100 mocha 'test/**'` is mocha,
 * `node --test`/`tsx --test` is node:test. Null when the command runs something else.
 */
export function runnerOf(command: string): Runner | null {
  const all = words(command);
  let wrapped = false;
  for (const [i, word] of all.entries()) {
    const tool = word.replace(/^.*\/node_modules\/\.bin\//, '');
    if ((tool === 'node' || tool === 'tsx') && all.slice(i + 1).includes('--test')) return 'node-test';
    if (tool === 'tapjs') return 'tap';
    if (tool in RUNNER_FORMATS) return tool as Runner;
    if (WRAPPERS.has(tool)) wrapped = true;
    // After a wrapper, other words are its options and their values (`c8 --lines 95 mocha`).
    else if (!ENV_ASSIGNMENT.test(word) && !word.startsWith('-') && !wrapped) return null;
  }
  return null;
}
