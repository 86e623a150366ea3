import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { thresholdMisses } from '../../quality/formats/coverage-thresholds.js';
import { parseJunitReport } from '../../quality/formats/junit-report.js';
import { outputCounts } from '../../quality/formats/output-counts.js';
import { parseTapReport } from '../../quality/formats/tap-report.js';
import { ToolReportError } from '../../quality/formats/tool-report-error.js';
import { parseUvuOutput } from '../../quality/formats/uvu.js';
import { runnerOf } from '../../quality/runners.js';
import { scriptSteps } from '../../quality/script-steps.js';

const captured = (file: string) =>
  readFileSync(path.join(import.meta.dirname, '../fixtures/quality/runners', file), 'utf8');
const names = (tests: Array<{ name: string }>) => tests.map((t) => t.name);

describe('reading runners by name (reports captured from the real tools)', () => {
  it("reads mocha's JUnit XML with suite > test names, files and failure messages", () => {
    const run = parseJunitReport(captured('mocha-xunit.xml'), '/repo');
    expect([run.passed, run.failed, run.skipped]).toEqual([2, 1, 1]);
    expect(names(run.passing)).toEqual(['top level', 'math > adds']);
    expect(run.failures).toEqual([
      expect.objectContaining({
        file: 'mt/math.spec.js',
        name: 'math > subs',
        message: expect.stringContaining('0 == 2'),
      }),
    ]);
    expect(() => parseJunitReport('<testsuite><testcase', '/repo')).toThrow(ToolReportError);
  });

  it('reads TAP from ava, tape and tap, naming tests by their subtests (or the tape test comment)', () => {
    const ava = parseTapReport(captured('ava.tap'), '/repo');
    expect([ava.passed, ava.failed, ava.skipped]).toEqual([1, 1, 1]);
    expect(ava.failures[0]).toMatchObject({ name: 'subs', message: expect.stringContaining('Difference') });

    const tape = parseTapReport(captured('tape.tap'), '/repo');
    expect(names(tape.failures)).toEqual(['subs > should be strictly equal']);
    expect(tape.failures[0]!.location).toBe('tape.test.js:3:23');

    const tap = parseTapReport(captured('tap.tap'), '/repo');
    expect(names(tap.passing)).toEqual(['tp.test.js > math > adds', 'tp.test.js > other > fine']);
    expect(tap.failures).toEqual([
      expect.objectContaining({ name: 'tp.test.js > math > subs', location: 'tp.test.js:2' }),
    ]);
    expect(() => parseTapReport('npm ERR! missing script', '/repo')).toThrow(ToolReportError);
    // node's TAP: stray comments (a failed file's stderr) do not name the tests after them.
    const node = parseTapReport(
      readFileSync(path.join(import.meta.dirname, '../fixtures/quality/node-test-report.tap'), 'utf8'),
      '/tmp/capture/node-project',
    );
    expect(names(node.failures)).toEqual([
      'test/broken.test.js',
      "it's quoted # hash \\ back",
      'sum fails',
      'group > nested "fail"',
    ]);
  });

  it("reads uvu's console output: counts, and each failing test by file, suite and name", () => {
    const run = parseUvuOutput(captured('uvu.txt'));
    expect([run.passed, run.failed, run.skipped]).toEqual([2, 2, 1]);
    expect(run.failures.map((f) => [f.file, f.name])).toEqual([
      ['math.test.mjs', 'subs'],
      ['other.test.mjs', 'strings > upper'],
    ]);
    expect(run.failures[0]!.message).toContain('Expected values to be strictly equal');
  });

  it('reads coverage threshold misses from jest, istanbul (nyc, c8, vitest) and node', () => {
    expect(
      thresholdMisses(
        'Jest: "global" coverage threshold for lines (90%) not met: 85.71%\n' +
          'ERROR: Coverage for branches (50%) does not meet global threshold (80%)\n' +
          '# Error: 70.5% function coverage does not meet threshold of 75%.',
      ),
    ).toEqual([
      { measure: 'lines', required: 90, actual: 85.71 },
      { measure: 'branches', required: 80, actual: 50 },
      { measure: 'functions', required: 75, actual: 70.5 },
    ]);
  });

  it('reads passing and failing counts from the summaries of common runners', () => {
    expect(outputCounts('Tests:       1 failed, 44 passed, 45 total')).toEqual({ passed: 44, failed: 1 });
    expect(outputCounts('  44 passing (20ms)\n  1 failing\n')).toEqual({ passed: 44, failed: 1 });
    expect(outputCounts('# tests 45\n# pass 43\n# fail 2\n')).toEqual({ passed: 43, failed: 2 });
    expect(outputCounts(captured('uvu.txt').replace(/\x1b\[[0-9;]*m/g, ''))).toEqual({ passed: 2, failed: 2 });
    expect(outputCounts('build finished\n\nin 3 steps\n')).toBeNull();
  });
});

describe('finding the runner in a script', () => {
  it('looks past environment assignments and wrappers', () => {
    expect(runnerOf('cross-env NODE_ENV=test c8 --100 mocha "test/**/*.js"')).toBe('mocha');
    expect(runnerOf('NODE_OPTIONS=--loader=tsx node --test test/')).toBe('node-test');
    expect(runnerOf('ava --verbose')).toBe('ava');
    expect(runnerOf('./node_modules/.bin/uvu test')).toBe('uvu');
    expect(runnerOf('node test/index.js')).toBeNull();
  });

  it('unwraps &&, npm/pnpm/yarn run, run-s and npm-run-all, with pretest and forwarded arguments', () => {
    const pkg = {
      scripts: {
        pretest: 'npm run build',
        build: 'tsc -p .',
        test: 'pnpm run lint && run-s test:*',
        lint: 'eslint .',
        'test:unit': 'yarn mocha:run -- --bail',
        'mocha:run': 'c8 mocha',
        'test:types': 'tsd',
        all: 'npm-run-all --parallel lint build',
        piped: 'mocha | tee out.txt',
        viaManager: 'pnpm lint && pnpm vitest run && pnpm exec tsc',
      },
      dependencies: {},
      devDependencies: {},
    };
    expect(scriptSteps(pkg, 'test')).toEqual(['tsc -p .', 'eslint .', 'c8 mocha --bail', 'tsd']);
    expect(scriptSteps(pkg, 'all')).toEqual(['eslint .', 'tsc -p .']);
    expect(scriptSteps(pkg, 'piped')).toBeNull();
    expect(scriptSteps(pkg, 'viaManager')).toEqual(['eslint .', 'vitest run', 'tsc']);
  });
});
