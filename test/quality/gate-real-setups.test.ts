import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectBaseline, readQualityGate } from '../../quality/baseline.js';
import { gateNotes } from '../../quality/feedback.js';
import { runQualityGate } from '../../quality/run-gate.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';
import {
  changeInWorktree,
  linkedToolsProjectFiles,
  linkProjectTools,
  linkTools,
  npmTools,
} from './fixture-projects.js';
import { memoryGateContext } from './memory-gate-context.js';

const limits = { timeoutMs: 120_000, outputLimitBytes: 64 * 1024 };

const nodeTest = (name: string, body: string) =>
  "import test from 'node:test';\nimport assert from 'node:assert/strict';\n" +
  `test(${JSON.stringify(name)}, () => { ${body} });\n`;

/** Setups common in real repositories that broke the gate (issue 13), each on a fixture repository. */
describe('quality gate on real-world setups', () => {
  let root: string;
  let tools: string;

  /** The repo's baseline, and the gate's verdict on a change of it, as ensureBaseline and runChecks judge them. */
  async function judge(
    name: string,
    files: Record<string, string>,
    change: Record<string, string>,
    link?: (dir: string) => Promise<void>,
  ) {
    const repo = await createFixtureRepo(path.join(root, name), files);
    await link?.(repo);
    const gate = readQualityGate(repo);
    const baseline = await collectBaseline({ worktree: repo, gate, ...limits });
    const worktree = await changeInWorktree(repo, path.join(root, `${name}-change`), change);
    await link?.(worktree);
    const outcome = await runQualityGate({ worktree, gate, baseline, ...limits }, memoryGateContext());
    return { gate, baseline, outcome };
  }

  beforeAll(async () => {
    root = tempDir('quality-setups');
    tools = await npmTools({ c8: '10.1.3', mocha: '12.0.3', ava: '7.0.0', uvu: '0.5.6' });
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("runs node:test with the repo's own reporter beside ours and reads the tests by name", async () => {
    const { baseline, outcome } = await judge(
      'spec-reporter',
      nodeProjectFiles({
        'package.json': JSON.stringify({
          name: 'fixture',
          private: true,
          type: 'module',
          scripts: { test: 'node --test --test-reporter=spec' },
        }),
      }),
      { 'test/mul.test.js': nodeTest('mul multiplies', 'assert.equal(3 * 4, 13);') },
    );
    expect(baseline.checks[0]).toMatchObject({ format: 'node-test', error: null, tests: { passed: 1, failed: 0 } });
    // The repo's spec reporter still prints to the output.
    expect(baseline.checks[0]!.outputTail).toMatch(/✔ sum adds/);
    expect(outcome.summary).toBe('regression: 1 newFailingTest');
    expect(outcome.comparison.regressions[0]).toMatchObject({ test: { name: 'mul multiplies' } });
  });

  it('blocks a new warning when the lint script says --max-warnings 0, as the repository does', async () => {
    const files = linkedToolsProjectFiles();
    const pkg = JSON.parse(files['package.json']!) as { scripts: object; devDependencies: object };
    pkg.scripts = { lint: 'eslint . --max-warnings 0' };
    pkg.devDependencies = { '@eslint/js': '10.0.1', eslint: '10.15.0' };
    const { outcome } = await judge(
      'max-warnings',
      { ...files, 'package.json': JSON.stringify(pkg) },
      { 'src/log.js': 'export const log = (m) => console.log(m);\n' },
      linkProjectTools,
    );
    expect(outcome.passed).toBe(false);
    expect(outcome.comparison.regressions.map((r) => [r.rule, r.severity])).toEqual([
      ['checkBroken', 'error'],
      ['lintWarningIncrease', 'warning'],
    ]);
    expect(outcome.feedback).toMatch(/`eslint \. --max-warnings 0` exited with 1 \(it passed on the baseline\)/);
  });

  it('reads a coverage threshold miss with its figures; a base missing it still has its tests and coverage', async () => {
    const script = 'c8 --check-coverage --lines 95 node --test';
    const { baseline, outcome } = await judge(
      'thresholds',
      nodeProjectFiles({
        'package.json': JSON.stringify({ name: 'fixture', private: true, type: 'module', scripts: { test: script } }),
        'src/sum.js':
          'export const sum = (a, b) => a + b;\nexport const unused = (a) => {\n  if (a) return 1;\n  return 2;\n};\n',
      }),
      { 'test/more.test.js': nodeTest('sum adds zero', 'assert.equal(0 + 0, 0);') },
      (dir) => linkTools(dir, tools),
    );
    const [test] = baseline.checks;
    expect(test).toMatchObject({ format: 'node-test', passed: false, error: null, tests: { passed: 1, failed: 0 } });
    expect(test!.coverage?.lines).toBeGreaterThan(0);
    expect(test!.thresholdMisses).toEqual([{ measure: 'lines', required: 95, actual: expect.any(Number) }]);
    // A change that only adds a passing test is not blocked by the threshold the base already missed.
    expect(outcome.summary).toBe('pass');
    expect(outcome.snapshot.checks[0]!.tests?.passed).toBe(2);
  });

  it('on a red base, judges an exit-code check by the counts in its output and says when it cannot judge', async () => {
    // A runner the gate does not know, whose output shows node's TAP summary: 44 of 45 pass on the base.
    const tests = Array.from(
      { length: 45 },
      (_, i) => `test('case ${i}', () => assert.ok(${i === 0 ? 'false' : 'true'}));`,
    );
    const files = {
      'package.json': JSON.stringify({
        name: 'fixture',
        private: true,
        type: 'module',
        scripts: { test: 'node test/run.js', smoke: 'node smoke.js' },
      }),
      '.swarm.json': JSON.stringify({ checks: { test: 'npm test', smoke: 'npm run smoke' } }),
      'test/run.js':
        "import { run } from 'node:test';\nimport { tap } from 'node:test/reporters';\n" +
        "run({ files: ['test/cases.js'] }).on('test:fail', () => (process.exitCode = 1)).compose(tap).pipe(process.stdout);\n",
      'test/cases.js':
        "import test from 'node:test';\nimport assert from 'node:assert/strict';\n" + tests.join('\n') + '\n',
      'smoke.js': 'process.exit(1);\n',
    };
    const { baseline, outcome } = await judge('red-base', files, {
      'test/cases.js': files['test/cases.js'].replace(
        "test('case 1', () => assert.ok(true))",
        "test('case 1', () => assert.ok(false))",
      ),
    });
    expect(baseline.checks[0]).toMatchObject({ passed: false, outputCounts: { passed: 44, failed: 1 } });
    expect(outcome.passed).toBe(false);
    expect(outcome.comparison.regressions[0]!.message).toMatch(
      /43 of 45 tests pass where 44 of 45 tests pass on the base branch/,
    );
    // The smoke check fails on the base and shows no counts: it cannot judge, and the gate says so.
    expect(gateNotes(outcome.comparison)).toEqual([
      'check "smoke" already fails on the base branch and shows no test counts: it cannot judge this change',
      'judged by exit code only (no test names or counts): "smoke"',
    ]);
  });

  it('reads mocha, ava and uvu tests by name, also inside compound scripts', async () => {
    const cases: Array<[string, Record<string, string>, Record<string, string>]> = [
      [
        'mocha',
        {
          'package.json': JSON.stringify({
            name: 'm',
            private: true,
            scripts: { build: 'node build.js', test: 'npm run build && mocha' },
          }),
          '.gitignore': 'node_modules\n',
          'build.js': '',
          'test/sum.spec.js':
            "const assert = require('node:assert');\ndescribe('sum', () => it('adds', () => assert.equal(1 + 1, 2)));\n",
        },
        {
          'test/mul.spec.js':
            "const assert = require('node:assert');\ndescribe('mul', () => it('multiplies', () => assert.equal(2 * 2, 5)));\n",
        },
      ],
      [
        'ava',
        {
          'package.json': JSON.stringify({
            name: 'a',
            private: true,
            type: 'module',
            scripts: { test: 'run-s test:*', 'test:unit': 'ava' },
          }),
          '.gitignore': 'node_modules\n',
          'test/sum.test.js': "import test from 'ava';\ntest('adds', (t) => t.is(1 + 1, 2));\n",
        },
        { 'test/mul.test.js': "import test from 'ava';\ntest('multiplies', (t) => t.is(2 * 2, 5));\n" },
      ],
      [
        'uvu',
        {
          'package.json': JSON.stringify({ name: 'u', private: true, type: 'module', scripts: { test: 'uvu tests' } }),
          '.gitignore': 'node_modules\n',
          'tests/sum.js':
            "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\ntest('adds', () => assert.is(1 + 1, 2));\ntest.run();\n",
        },
        {
          'tests/mul.js':
            "import { suite } from 'uvu';\nimport * as assert from 'uvu/assert';\nconst mul = suite('mul');\nmul('multiplies', () => assert.is(2 * 2, 5));\nmul.run();\n",
        },
      ],
    ];
    for (const [name, files, change] of cases) {
      const { baseline, outcome } = await judge(name, files, change, (dir) => linkTools(dir, tools));
      expect(baseline.checks[0], name).toMatchObject({ error: null, passed: true, tests: { passed: 1, failed: 0 } });
      expect(outcome.summary, name).toBe('regression: 1 newFailingTest');
      expect(outcome.comparison.regressions[0]!.message, name).toMatch(/multiplies/);
    }
  });
});
