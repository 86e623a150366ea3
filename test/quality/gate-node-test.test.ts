import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectBaseline, readQualityGate, type QualityGate } from '../../quality/baseline.js';
import { runQualityGate } from '../../quality/run-gate.js';
import type { QualitySnapshot } from '../../quality/snapshot.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';
import { changeInWorktree } from './fixture-projects.js';
import { memoryGateContext } from './memory-gate-context.js';

const limits = { timeoutMs: 60_000, outputLimitBytes: 64 * 1024 };
/** The baseline of a checkout, with the gate read from it, as ensureBaseline collects it. */
const baselineOf = (dir: string) => collectBaseline({ worktree: dir, gate: readQualityGate(dir), ...limits });

/** The README's kind of project: `node --test` and a build script, no dependencies. */
describe('quality gate on a node:test project', () => {
  let root: string;
  let repo: string;
  let gate: QualityGate;
  let baseline: QualitySnapshot;

  /** The production gate (the one runChecks runs) on a change, judged by the gate of the base commit. */
  const evaluateChange = async (name: string, files: Record<string, string>, context = memoryGateContext()) => {
    const worktree = await changeInWorktree(repo, path.join(root, name), files);
    return runQualityGate({ worktree, gate, baseline, ...limits }, context);
  };

  beforeAll(async () => {
    root = tempDir('quality-node');
    repo = await createFixtureRepo(path.join(root, 'repo'), nodeProjectFiles());
    gate = readQualityGate(repo);
    baseline = await baselineOf(repo);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('collects node:test results with line coverage through the TAP reporter', () => {
    const [test, build] = baseline.checks;
    expect(test).toMatchObject({
      name: 'test',
      format: 'node-test',
      command: 'node --test',
      passed: true,
      error: null,
    });
    expect(test!.tests).toEqual({ passed: 1, failed: 0, skipped: 0, failures: [], flaky: [] });
    expect(test!.coverage).toEqual({ lines: 100, branches: 100, functions: 100, statements: null });
    expect(build).toMatchObject({ name: 'build', format: 'exit-code', command: 'npm run build', passed: true });
  });

  it('puts the reporter options before the file arguments of a `node --test <dir>` script', async () => {
    const dir = await createFixtureRepo(
      path.join(root, 'with-dir'),
      nodeProjectFiles({
        'package.json': JSON.stringify({
          name: 'fixture',
          private: true,
          type: 'module',
          scripts: { test: 'node --test test/' },
        }),
      }),
    );
    const {
      checks: [test],
    } = await baselineOf(dir);
    expect(test).toMatchObject({ command: 'node --test test/', error: null, tests: { passed: 1, failed: 0 } });
  });

  it('re-runs a new failing test once: one that then passes is flaky, not a regression', async () => {
    const marker = path.join(root, 'flaky-marker');
    const context = memoryGateContext();
    const { snapshot, comparison, passed, feedback } = await evaluateChange(
      'flaky',
      {
        'test/flaky.test.js':
          "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { existsSync, writeFileSync } from 'node:fs';\n\n" +
          `test('eventually consistent read', () => {\n  const settled = existsSync(${JSON.stringify(marker)});\n` +
          `  writeFileSync(${JSON.stringify(marker)}, '');\n  assert.ok(settled, 'not settled yet');\n});\n`,
      },
      context,
    );
    expect(comparison).toMatchObject({ verdict: 'pass', regressions: [] });
    expect(comparison.flaky).toEqual([
      {
        check: 'test',
        test: expect.objectContaining({ name: 'eventually consistent read', location: 'test/flaky.test.js:5:1' }),
      },
    ]);
    expect(snapshot.checks[0]!.tests).toMatchObject({ passed: 2, failed: 0, failures: [] });
    expect([passed, feedback]).toEqual([true, null]);
    // The stored run is the first one, failure included; only the snapshot counts the test as flaky.
    expect(context.recorded).toEqual(['test', 'build']);
    expect(context.runs.get('test')!.result).toMatchObject({ passed: false, tests: { passed: 1, failed: 1 } });
  });

  it('catches a test that still fails on its re-run by name, and a broken build', async () => {
    const { comparison, feedback } = await evaluateChange('broken', {
      'src/sum.js': 'export const sum = (a, b) => a - b;\n',
      'src/half-written.js': 'export const half = (;\n',
    });
    expect(comparison.verdict).toBe('regression');
    expect(comparison.regressions.map((r) => r.rule)).toEqual(['buildBroken', 'newFailingTest']);
    expect(comparison.regressions[1]).toMatchObject({
      test: {
        name: 'sum adds',
        location: 'test/sum.test.js:4:1',
        message: 'Expected values to be strictly equal:\n\n-1 !== 5',
      },
    });
    expect(feedback).toContain('`sum adds` (test/sum.test.js:4:1)');
    expect(feedback).toContain('build is broken: `npm run build` exited with 1 (it passed on the baseline)');
    expect(feedback).toContain('SyntaxError');
  });

  it('reports a coverage drop beyond the threshold as a warning that does not block by default', async () => {
    const uncovered = Array.from({ length: 12 }, (_, i) => `  total += ${i};`).join('\n');
    const { comparison } = await evaluateChange('uncovered', {
      'src/sum.js': `export const sum = (a, b) => a + b;\nexport function unused() {\n  let total = 0;\n${uncovered}\n  return total;\n}\n`,
    });
    expect(comparison.verdict).toBe('pass');
    expect(comparison.regressions).toEqual([
      expect.objectContaining({ rule: 'coverageDrop', severity: 'warning', baseline: 100 }),
    ]);
    expect(comparison.regressions[0]!.message).toMatch(
      /^line coverage 100% → \d+(\.\d+)?% \(\d+(\.\d+)? points down, 1 allowed\)$/,
    );
  });
});
