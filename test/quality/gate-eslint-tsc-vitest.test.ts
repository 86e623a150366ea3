import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/client.js';
import { migrate } from '../../db/migrations.js';
import { qualityRepository, type QualityRepository } from '../../db/quality-repository.js';
import { collectBaseline, readQualityGate, type QualityGate } from '../../quality/baseline.js';
import { runQualityGate } from '../../quality/run-gate.js';
import type { QualitySnapshot } from '../../quality/snapshot.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';
import { changeInWorktree, linkedToolsProjectFiles, linkProjectTools } from './fixture-projects.js';
import { memoryGateContext } from './memory-gate-context.js';

const limits = { timeoutMs: 120_000, outputLimitBytes: 64 * 1024 };

/** One repository with eslint, tsc, vitest and a build; each change is a branch in its own worktree. */
describe('quality gate on a project checked by eslint, tsc and vitest', () => {
  let root: string;
  let repo: string;
  let db: Db;
  let quality: QualityRepository;
  let gate: QualityGate;
  let baseline: QualitySnapshot;

  /** The production gate (the one runChecks runs) on a change, against the baseline stored for its base branch. */
  const evaluateChange = async (name: string, files: Record<string, string>) => {
    const worktree = await changeInWorktree(repo, path.join(root, name), files);
    await linkProjectTools(worktree);
    const stored = await quality.getBaseline(repo, 'main');
    return runQualityGate({ worktree, gate, baseline: stored?.snapshot ?? null, ...limits }, memoryGateContext());
  };

  beforeAll(async () => {
    root = tempDir('quality-gate');
    repo = await createFixtureRepo(path.join(root, 'repo'), linkedToolsProjectFiles());
    await linkProjectTools(repo);
    db = await openDatabase({ mode: 'local', path: path.join(root, 'data.db') });
    await migrate(db, { embeddingDimensions: 8 });
    quality = qualityRepository(db);
    gate = readQualityGate(repo);
    baseline = await collectBaseline({ worktree: repo, gate, ...limits });
    await quality.setBaseline({
      repo,
      branch: 'main',
      commitSha: await git(repo, ['rev-parse', 'HEAD']),
      snapshot: baseline,
    });
  });
  afterAll(() => {
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('collects the baseline from the tools that package.json names, through their reports', () => {
    expect(baseline.checks.map((c) => [c.name, c.format, c.command])).toEqual([
      ['lint', 'eslint-json', 'eslint .'],
      ['typecheck', 'tsc', 'tsc --noEmit'],
      ['test', 'vitest-json', 'vitest run'],
      ['build', 'exit-code', 'npm run build'],
    ]);
    for (const check of baseline.checks)
      expect(check, check.error ?? check.outputTail).toMatchObject({ passed: true, error: null, exitCode: 0 });
    const [lint, typecheck, test] = baseline.checks;
    expect(lint!.lint).toEqual({ errors: 0, warnings: 0, problems: [] });
    expect(typecheck!.typecheck).toEqual({ errors: 0, diagnostics: [] });
    expect(test!.tests).toEqual({ passed: 3, failed: 0, skipped: 0, failures: [], flaky: [] });
    expect(baseline.checks.every((c) => c.durationMs > 0)).toBe(true);
  });

  it('passes a clean change against the baseline of its base branch', async () => {
    const { snapshot, comparison } = await evaluateChange('clean', {
      'src/mul.js': '/** @param {number} a @param {number} b */\nexport const mul = (a, b) => a * b;\n',
      'test/mul.test.js':
        "import { expect, it } from 'vitest';\nimport { mul } from '../src/mul.js';\n\nit('multiplies', () => expect(mul(3, 4)).toBe(12));\n",
    });
    expect(comparison).toEqual({
      verdict: 'pass',
      regressions: [],
      flaky: [],
      hadBaseline: true,
      exitCodeOnly: ['build'],
    });
    expect(snapshot.checks.find((c) => c.name === 'test')!.tests).toMatchObject({ passed: 4, failed: 0 });
  });

  it("catches a change that breaks one test by that test's name, with its failure message", async () => {
    const { comparison, feedback, failedChecks } = await evaluateChange('breaks-greet', {
      'src/greet.js': '/** @param {string} name */\nexport const greet = (name) => `Hi, ${name}!`;\n',
    });
    expect(comparison.verdict).toBe('regression');
    expect(comparison.regressions).toHaveLength(1);
    expect(comparison.regressions[0]).toMatchObject({
      rule: 'newFailingTest',
      severity: 'error',
      check: 'test',
      test: { name: 'greet > greets by name', file: 'test/greet.test.js' },
    });
    expect(failedChecks).toEqual(['test']);
    expect(feedback).toContain('`greet > greets by name` (test/greet.test.js)');
    expect(feedback).toContain("AssertionError: expected 'Hi, Ada!' to be 'Hello, Ada!'");
    expect(comparison.flaky).toEqual([]);
  });

  it('re-runs a new failing test once: one that then passes is flaky, not a regression', async () => {
    const marker = path.join(root, 'cache-warm-marker');
    const { snapshot, comparison } = await evaluateChange('flaky', {
      'test/cache.test.js':
        "import { existsSync, writeFileSync } from 'node:fs';\nimport { expect, it } from 'vitest';\n\n" +
        `it('reads the cache once it is warm', () => {\n  const warm = existsSync(${JSON.stringify(marker)});\n` +
        `  writeFileSync(${JSON.stringify(marker)}, '');\n  expect(warm).toBe(true);\n});\n`,
    });
    expect(comparison.verdict).toBe('pass');
    expect(comparison.regressions).toEqual([]);
    expect(comparison.flaky).toEqual([
      {
        check: 'test',
        test: expect.objectContaining({ name: 'reads the cache once it is warm', file: 'test/cache.test.js' }),
      },
    ]);
    expect(snapshot.checks.find((c) => c.name === 'test')!.tests).toMatchObject({ passed: 4, failed: 0, failures: [] });
  });

  it('catches a change that adds a type error at its file:line, with code and message', async () => {
    const { comparison, feedback } = await evaluateChange('type-error', {
      'src/count.js': "export const label = 'count';\n/** @type {number} */\nexport const count = 'three';\n",
    });
    expect(comparison.verdict).toBe('regression');
    expect(comparison.regressions).toEqual([
      expect.objectContaining({
        rule: 'newTypeError',
        check: 'typecheck',
        diagnostic: {
          file: 'src/count.js',
          line: 3,
          column: 14,
          code: 'TS2322',
          message: "Type 'string' is not assignable to type 'number'.",
        },
      }),
    ]);
    expect(feedback).toContain("- src/count.js:3:14 TS2322: Type 'string' is not assignable to type 'number'.");
  });
});
