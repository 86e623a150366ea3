// `npm run bench -- deps [--worktrees 3]`: dependency set-up per task worktree, today's way (each
// worktree runs `npm ci` into its own node_modules) against the shared way (the tree installed once
// per lockfile in the dependency cache, each worktree getting a node_modules of links to it). Uses a
// small vitest project whose lockfile is generated first; prints time and disk per worktree side by
// side, and runs the project's tests in one linked worktree to show the links work.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCommand } from '../process/run-command.js';
import { installDependencies } from '../workspace/dependencies.js';

const { values } = parseArgs({ options: { worktrees: { type: 'string', default: '3' } } });
const worktrees = Number(values.worktrees);
if (!Number.isInteger(worktrees) || worktrees < 1)
  throw new Error(`--worktrees must be a whole number ≥ 1, got "${values.worktrees}"`);

const root = mkdtempSync(path.join(tmpdir(), 'bench-deps-'));
const project = path.join(root, 'project');
const cacheDir = path.join(root, 'cache');
const timeoutMs = 300_000;

const diskKb = (dir: string) => Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]);

async function makeProject(): Promise<void> {
  await mkdir(path.join(project, 'test'), { recursive: true });
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({
      name: 'bench-deps',
      private: true,
      type: 'module',
      scripts: { test: 'vitest run' },
      // vitest 4 pulls vite 8, whose lockfile npm 11 writes without an optional dependency that npm ci then misses.
      devDependencies: { vitest: '3.2.4' },
    }),
  );
  await writeFile(
    path.join(project, 'test/sum.test.js'),
    "import { expect, it } from 'vitest';\nit('adds', () => expect(1 + 1).toBe(2));\n",
  );
  const lock = await runCommand({
    cwd: project,
    command: 'npm install --no-audit --no-fund',
    timeoutMs,
    outputLimitBytes: 16_384,
  });
  if (lock.exitCode !== 0) throw new Error(`could not write the lockfile: ${lock.output}`);
}

async function worktree(name: string): Promise<string> {
  const dir = path.join(root, name);
  await cp(project, dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
  return dir;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

try {
  await makeProject();
  // npm's own download cache (~/.npm) is warm after this, as it is on a worker that ran tasks before.
  await installDependencies(await worktree('warm-npm-cache'), { timeoutMs });

  const today: Array<{ ms: number; kb: number }> = [];
  for (let i = 0; i < worktrees; i++) {
    const dir = await worktree(`today-${i}`);
    const ms = await timed(() => installDependencies(dir, { timeoutMs }));
    today.push({ ms, kb: diskKb(path.join(dir, 'node_modules')) });
  }

  const firstDir = await worktree('shared-first');
  const firstMs = await timed(() => installDependencies(firstDir, { timeoutMs, cacheDir }));
  const shared: Array<{ ms: number; kb: number }> = [];
  for (let i = 0; i < worktrees; i++) {
    const dir = await worktree(`shared-${i}`);
    const ms = await timed(() => installDependencies(dir, { timeoutMs, cacheDir }));
    shared.push({ ms, kb: diskKb(path.join(dir, 'node_modules')) });
  }
  const tests = await runCommand({
    cwd: path.join(root, 'shared-0'),
    command: 'node_modules/.bin/vitest run',
    timeoutMs,
    outputLimitBytes: 16_384,
  });

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const todayMs = mean(today.map((r) => r.ms));
  const sharedMs = mean(shared.map((r) => r.ms));
  const todayKb = mean(today.map((r) => r.kb));
  const sharedKb = mean(shared.map((r) => r.kb));
  console.log(`dependency set-up per task worktree (vitest project, ${worktrees} worktrees each, mean)`);
  console.log('');
  console.log('| | today: npm ci per worktree | shared: links to the cached tree |');
  console.log('|---|---|---|');
  console.log(
    `| time per worktree | ${todayMs.toFixed(0)} ms | ${sharedMs.toFixed(1)} ms (${((100 * sharedMs) / todayMs).toFixed(1)} %) |`,
  );
  console.log(
    `| disk per worktree | ${(todayKb / 1024).toFixed(1)} MB | ${sharedKb} KB (${((100 * sharedKb) / todayKb).toFixed(2)} %) |`,
  );
  console.log(
    `| once per lockfile | — | ${firstMs.toFixed(0)} ms install + move into the cache, ${(diskKb(cacheDir) / 1024).toFixed(1)} MB |`,
  );
  console.log('');
  console.log(`vitest in a linked worktree: exit ${tests.exitCode}${tests.exitCode === 0 ? '' : `\n${tests.output}`}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
