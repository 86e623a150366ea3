// `npm run sample:gate [-- --only owner/name,...]` (also `npm run bench -- sample-gate`): the quality
// gate on a sample of real public JavaScript/TypeScript libraries. For each, clones it (from $SAMPLE_MIRROR/<owner>+<name>/repo when
// that bare mirror exists, else from GitHub), installs its dependencies with its own package
// manager, detects its checks and collects a baseline the way ensureBaseline does (without the
// sandbox), and prints a Markdown table: each check with how it was read, and the share of
// libraries whose tests were read by name. CPU-heavy: the libraries run one after another.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { collectBaseline, readQualityGate } from '../quality/baseline.js';
import type { CheckResult } from '../quality/snapshot.js';
import { installDependencies } from '../workspace/dependencies.js';
import { git } from '../workspace/git.js';

/** Mixed runners and managers: uvu, ava, mocha, tap, tape, vitest, jest, node:test, compound scripts, pnpm. */
export const SAMPLE = [
  'lukeed/kleur',
  'lukeed/dequal',
  'lukeed/clsx',
  'lukeed/uvu',
  'sindresorhus/escape-string-regexp',
  'sindresorhus/p-limit',
  'sindresorhus/camelcase',
  'chalk/chalk',
  'jshttp/mime-types',
  'jshttp/etag',
  'jshttp/content-type',
  'jshttp/cookie',
  'npm/ini',
  'isaacs/minimatch',
  'inspect-js/object-inspect',
  'broofa/mime',
  'tj/commander.js',
  'unjs/defu',
  'unjs/ufo',
  'unjs/destr',
  'vercel/ms',
  'ai/nanoid',
];

const { values } = parseArgs({ options: { only: { type: 'string' }, keep: { type: 'boolean', default: false } } });
const chosen = values.only ? values.only.split(',') : SAMPLE;
const root = mkdtempSync(path.join(tmpdir(), 'sample-gate-'));
const mirror = process.env.SAMPLE_MIRROR ?? '/work/.mirror';
const limits = { timeoutMs: 600_000, outputLimitBytes: 256 * 1024 };

/** How the gate read a check: by test/problem name, by the counts in its output, or only its exit code. */
function readAs(check: CheckResult): string {
  if (check.error !== null) return 'error';
  if (check.tests || check.lint || check.typecheck) return 'by name';
  if (check.outputCounts) return 'counts';
  return 'exit code';
}

const describe = (check: CheckResult) => {
  const verdict = check.passed ? 'pass' : 'fail';
  const counts = check.tests ? `, ${check.tests.passed}✓ ${check.tests.failed}✗` : '';
  return `${check.name}: ${check.format} ${readAs(check)} (${verdict}${counts})`;
};

const rows: string[] = [];
let testsByName = 0;
for (const name of chosen) {
  const dir = path.join(root, name.replace('/', '+'));
  const bare = path.join(mirror, name.replace('/', '+'), 'repo');
  const started = Date.now();
  let cells: [string, string, string];
  try {
    await git(root, [
      'clone',
      '--quiet',
      '--depth',
      '1',
      existsSync(bare) ? `file://${bare}` : `https://github.com/${name}.git`,
      dir,
    ]);
    const sha = (await git(dir, ['rev-parse', 'HEAD'])).slice(0, 10);
    const installed = await installDependencies(dir, limits);
    const gate = readQualityGate(dir);
    const snapshot = await collectBaseline({ worktree: dir, gate, ...limits });
    const test = snapshot.checks.find((c) => c.kind === 'test');
    const byName = test !== undefined && readAs(test) === 'by name';
    if (byName) testsByName++;
    cells = [
      `${name} @ ${sha}`,
      `${installed?.split(' ').slice(0, 2).join(' ') ?? '—'}; ${snapshot.checks.map(describe).join('; ') || 'no checks'}`,
      byName ? 'yes' : 'no',
    ];
    if (test?.error) console.error(`${name}: ${test.error.slice(0, 600)}`);
  } catch (err) {
    cells = [name, `could not set up: ${(err as Error).message.split('\n').slice(0, 3).join(' ').slice(0, 300)}`, 'no'];
  }
  const row = `| ${cells.join(' | ')} | ${Math.round((Date.now() - started) / 1000)} s |`;
  console.error(row);
  rows.push(row);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}

console.log('| library | install; checks as the gate read them | tests by name | time |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
console.log('');
console.log(
  `Tests read by name in ${testsByName} of ${chosen.length} libraries (${Math.round((100 * testsByName) / chosen.length)} %).`,
);
if (!values.keep) rmSync(root, { recursive: true, force: true });
