import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQualityGate } from '../../quality/baseline.js';
import { collectCheck, type CollectOptions } from '../../quality/collect-check.js';
import { detectQualityChecks } from '../../quality/detect-checks.js';
import { runQualityGate, type QualityGateOutcome } from '../../quality/run-gate.js';
import type { CheckResult } from '../../quality/snapshot.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';
import { memoryGateContext, type MemoryGateContext } from './memory-gate-context.js';

const capturedVitestReport = readFileSync(
  path.join(import.meta.dirname, '../fixtures/quality/vitest-report.json'),
  'utf8',
);

/** Stands in for a reporter gone wrong: writes garbage, half a report, or nothing to its --outputFile. */
const misbehavingReporter = `
import { writeFileSync } from 'node:fs';
const outputFile = process.argv.find((arg) => arg.startsWith('--outputFile='))?.slice('--outputFile='.length);
const mode = process.argv[2];
if (mode === 'garbage') writeFileSync(outputFile, '<html>502 Bad Gateway</html>');
if (mode === 'truncated') writeFileSync(outputFile, ${JSON.stringify(capturedVitestReport.slice(0, 900))});
console.log('Tests finished in 12ms (this is not JSON)');
process.exit(1);
`;

describe('collection when a tool misbehaves', () => {
  const root = tempDir('quality-errors');
  let worktree: string;
  let options: CollectOptions;
  let context: MemoryGateContext;
  let outcome: QualityGateOutcome;
  let results: Map<string, CheckResult>;

  beforeAll(async () => {
    worktree = await createFixtureRepo(path.join(root, 'misbehaving'), {
      'misbehaving-reporter.mjs': misbehavingReporter,
      '.swarm.json': JSON.stringify({
        checks: {
          'test-garbage': { command: 'node misbehaving-reporter.mjs garbage', format: 'vitest-json' },
          'test-truncated': { command: 'node misbehaving-reporter.mjs truncated', format: 'vitest-json' },
          'test-stdout-only': { command: 'node misbehaving-reporter.mjs stdout', format: 'vitest-json' },
          lint: { command: 'eslint-that-is-not-installed .', format: 'eslint-json' },
          typecheck: { command: "sh -c 'exit 2'", format: 'tsc' },
        },
      }),
    });
    options = { worktree, timeoutMs: 30_000, outputLimitBytes: 64 * 1024 };
    context = memoryGateContext();
    outcome = await runQualityGate({ ...options, gate: readQualityGate(worktree), baseline: null }, context);
    results = new Map(outcome.snapshot.checks.map((check) => [check.name, check]));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names the command whose report is garbage', () => {
    expect(results.get('test-garbage')).toMatchObject({ passed: false, exitCode: 1, tests: null });
    expect(results.get('test-garbage')!.error).toMatch(
      /^check "test-garbage" \(`node misbehaving-reporter\.mjs garbage`\) gave no usable vitest-json report: its vitest JSON report is not valid JSON \(garbage or truncated\?\).*"<html>502 Bad Gateway<\/html>"/,
    );
  });

  it('names the command whose report is truncated', () => {
    expect(results.get('test-truncated')!.error).toMatch(
      /^check "test-truncated" \(`node misbehaving-reporter\.mjs truncated`\) .*not valid JSON \(garbage or truncated\?\)/,
    );
  });

  it('names the command that printed non-JSON instead of writing its report, with what it printed', () => {
    expect(results.get('test-stdout-only')!.error).toMatch(
      /^check "test-stdout-only" \(`node misbehaving-reporter\.mjs stdout`\) gave no usable vitest-json report: it wrote no report to .*\. Output: Tests finished in 12ms \(this is not JSON\)$/,
    );
  });

  it('names the command whose binary is missing', () => {
    expect(results.get('lint')).toMatchObject({ passed: false, exitCode: 127, lint: null });
    expect(results.get('lint')!.error).toMatch(
      /^check "lint" \(`eslint-that-is-not-installed \.`\) failed: `eslint-that-is-not-installed` was not found \(exit 127\); it is neither in the worktree's node_modules\/\.bin nor on the PATH.*eslint-that-is-not-installed: not found$/,
    );
  });

  it('names a type checker that failed without printing a diagnostic', () => {
    expect(results.get('typecheck')!.error).toMatch(
      /^check "typecheck" \(`sh -c 'exit 2'`\) gave no usable tsc report: tsc exited with 2 but printed no diagnostic/,
    );
  });

  it('names a detected tool that is not installed in the worktree', async () => {
    const bare = await createFixtureRepo(path.join(root, 'no-deps'), {
      'package.json': JSON.stringify({ scripts: { lint: 'eslint src' } }),
    });
    const [check] = detectQualityChecks(bare);
    const { result, output } = await collectCheck(check!, { ...options, worktree: bare });
    expect(result.error).toMatch(
      /^check "lint" \(`eslint src`\) failed: `eslint` was not found \(exit 127\); it is neither in the worktree's node_modules\/\.bin nor on the PATH/,
    );
    expect(output).toContain('eslint: not found');
  });

  it('names a command that timed out', async () => {
    const { result } = await collectCheck(
      { name: 'build', kind: 'build', format: 'exit-code', command: 'sleep 10', coverage: false },
      { ...options, timeoutMs: 300 },
    );
    expect(result).toMatchObject({
      passed: false,
      timedOut: true,
      error: expect.stringMatching(/^check "build" \(`sleep 10`\) timed out after 0.3s/),
    });
  });

  it('makes the gate fail on every such check, with the error as feedback', () => {
    const { comparison, feedback, failedChecks } = outcome;
    expect(comparison.verdict).toBe('regression');
    expect(comparison.regressions.map((r) => [r.rule, r.check, r.severity])).toEqual([
      ['checkError', 'test-garbage', 'error'],
      ['checkError', 'test-truncated', 'error'],
      ['checkError', 'test-stdout-only', 'error'],
      ['checkError', 'lint', 'error'],
      ['checkError', 'typecheck', 'error'],
    ]);
    expect(failedChecks).toEqual(['test-garbage', 'test-truncated', 'test-stdout-only', 'lint', 'typecheck']);
    expect(feedback).toContain(
      'check "lint" (`eslint-that-is-not-installed .`) failed: `eslint-that-is-not-installed` was not found',
    );
  });

  it('stores the run of every such check, with what it printed', () => {
    expect(context.recorded).toEqual(['test-garbage', 'test-truncated', 'test-stdout-only', 'lint', 'typecheck']);
    expect(context.runs.get('test-stdout-only')).toMatchObject({
      command: 'node misbehaving-reporter.mjs stdout',
      exitCode: 1,
      passed: false,
      output: expect.stringContaining('Tests finished in 12ms'),
      result: results.get('test-stdout-only'),
    });
  });
});
