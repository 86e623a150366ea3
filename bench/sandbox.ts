// `npm run bench -- sandbox [--runs 20]`: what the bubblewrap sandbox costs per command. Runs a few
// commands (`true`, `node -e 0`, `node --test` of a generated repo with a few test files) N times
// each, alternating unconfined (sandbox `none`) and bubblewrap, and prints p50/p95 side by side.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCommand } from '../process/run-command.js';
import { DEFAULT_SANDBOX_LIMITS, type Sandbox, type SandboxKind } from '../process/sandbox.js';
import { sandboxSettings, taskSandbox } from '../process/task-sandbox.js';
import { git } from '../workspace/git.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, files: { type: 'string', default: '5' } },
});
const runs = Number(values.runs);
const testFiles = Number(values.files);
if (!Number.isInteger(runs) || runs < 2) throw new Error(`--runs must be a whole number ≥ 2, got "${values.runs}"`);
if (!Number.isInteger(testFiles) || testFiles < 1)
  throw new Error(`--files must be a whole number ≥ 1, got "${values.files}"`);

async function generateRepo(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'src'), { recursive: true });
  await mkdir(path.join(dir, 'test'), { recursive: true });
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'bench', private: true, type: 'module', scripts: { test: 'node --test' } }),
  );
  for (let i = 1; i <= testFiles; i++) {
    await writeFile(path.join(dir, 'src', `m${i}.js`), `export const f${i} = (n) => n * ${i};\n`);
    await writeFile(
      path.join(dir, 'test', `m${i}.test.js`),
      `import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { f${i} } from '../src/m${i}.js';\n` +
        Array.from({ length: 10 }, (_, t) => `test('case ${t}', () => assert.equal(f${i}(${t}), ${t * i}));\n`).join(
          '',
        ),
    );
  }
  await git(dir, ['init', '--quiet', '--initial-branch', 'main']);
  await git(dir, ['add', '--all']);
  await git(dir, ['commit', '--quiet', '-m', 'bench repo']);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

const root = mkdtempSync(path.join(tmpdir(), 'jetpack-bench-sandbox-'));
try {
  const repo = path.join(root, 'repo');
  const swarmHome = path.join(root, 'home');
  const worktree = path.join(swarmHome, 'worktrees', 'bench');
  await mkdir(repo, { recursive: true });
  await generateRepo(repo);
  await git(repo, ['worktree', 'add', '--quiet', '-b', 'swarm/bench', worktree]);
  const sandboxes = {} as Record<SandboxKind, Sandbox>;
  for (const kind of ['none', 'bubblewrap'] as const) {
    const settings = sandboxSettings({
      kind,
      limits: DEFAULT_SANDBOX_LIMITS,
      swarmHome,
      workerHome: homedir(),
      sourceEnv: process.env,
    });
    sandboxes[kind] = await taskSandbox(settings, { key: 'bench', worktree, repo, network: false });
  }

  const commands = ['true', 'node -e 0', 'node --test'];
  const samples: Record<string, Record<SandboxKind, number[]>> = {};
  for (const command of commands) {
    samples[command] = { none: [], bubblewrap: [] };
    for (let i = 0; i < runs; i++) {
      // Alternate, so a load spike on a shared machine hits both sides alike.
      for (const kind of i % 2 === 0 ? (['none', 'bubblewrap'] as const) : (['bubblewrap', 'none'] as const)) {
        const started = process.hrtime.bigint();
        const result = await runCommand({
          cwd: worktree,
          command,
          sandbox: sandboxes[kind],
          timeoutMs: 120_000,
          outputLimitBytes: 64 * 1024,
        });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (result.exitCode !== 0)
          throw new Error(
            `\`${command}\` failed with sandbox ${kind} (exit ${result.exitCode}): ${result.output.slice(-500)}`,
          );
        samples[command]![kind].push(ms);
      }
    }
  }

  console.log(`sandbox overhead: ${runs} runs per command and side, node --test over ${testFiles} files × 10 tests`);
  console.log('| command | none p50 / p95 | bubblewrap p50 / p95 | overhead p50 | ratio p50 |');
  console.log('|---|--:|--:|--:|--:|');
  for (const command of commands) {
    const none = stats(samples[command]!.none);
    const bwrap = stats(samples[command]!.bubblewrap);
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    console.log(
      `| \`${command}\` | ${ms(none.p50)} / ${ms(none.p95)} | ${ms(bwrap.p50)} / ${ms(bwrap.p95)} | +${ms(bwrap.p50 - none.p50)} | ${(bwrap.p50 / none.p50).toFixed(2)}× |`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
