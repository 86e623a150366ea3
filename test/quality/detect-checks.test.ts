import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectQualityChecks } from '../../quality/detect-checks.js';
import { readRepoConfig, RepoConfigError } from '../../quality/repo-config.js';
import { resolvePolicy } from '../../quality/policy.js';
import { writeFiles } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';

const root = tempDir('quality-detect');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function repoWith(files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(path.join(root, 'repo-'));
  await writeFiles(dir, files);
  return dir;
}
const packageJson = (content: object) => ({ 'package.json': JSON.stringify(content) });

describe('detecting quality checks from package.json', () => {
  it("gives each script that is a single tool invocation its tool's report, in lint, typecheck, test, build order", async () => {
    const dir = await repoWith(
      packageJson({
        scripts: {
          build: 'tsc -p tsconfig.build.json',
          test: 'vitest run',
          typecheck: 'npx tsc --noEmit -p .',
          lint: 'eslint src',
        },
        devDependencies: { vitest: '4.1.12', '@vitest/coverage-v8': '4.1.12' },
      }),
    );
    expect(detectQualityChecks(dir)).toEqual([
      { name: 'lint', kind: 'lint', format: 'eslint-json', command: 'eslint src', coverage: false },
      { name: 'typecheck', kind: 'typecheck', format: 'tsc', command: 'tsc --noEmit -p .', coverage: false },
      { name: 'test', kind: 'test', format: 'vitest-json', command: 'vitest run', coverage: true },
      { name: 'build', kind: 'build', format: 'exit-code', command: 'npm run build', coverage: false },
    ]);
  });

  it('asks vitest for coverage only when a coverage provider is installed, jest and node:test always', async () => {
    const vitest = await repoWith(packageJson({ scripts: { test: 'vitest run' } }));
    const jest = await repoWith(packageJson({ scripts: { test: 'jest --ci' } }));
    const nodeTest = await repoWith(packageJson({ scripts: { test: 'node --test test/' } }));
    expect(detectQualityChecks(vitest)[0]).toMatchObject({ format: 'vitest-json', coverage: false });
    expect(detectQualityChecks(jest)[0]).toMatchObject({ format: 'jest-json', command: 'jest --ci', coverage: true });
    expect(detectQualityChecks(nodeTest)[0]).toMatchObject({
      format: 'node-test',
      command: 'node --test test/',
      coverage: true,
    });
  });

  it('unwraps compound scripts to the runner in them; other tools run through npm judged by exit code', async () => {
    const dir = await repoWith(
      packageJson({
        scripts: { test: 'tsc && vitest run', lint: 'prettier --check .', typecheck: 'vitest typecheck' },
      }),
    );
    expect(detectQualityChecks(dir).map((c) => [c.name, c.format, c.command])).toEqual([
      ['lint', 'exit-code', 'npm run lint'],
      ['typecheck', 'exit-code', 'npm run typecheck'],
      ['test', 'vitest-json', 'tsc && vitest run'],
    ]);
  });

  it("leaves coverage off where the repository's script turns it off", async () => {
    const dir = await repoWith(
      packageJson({
        scripts: { test: 'jest --env node && jest --env @edge-runtime/jest-environment --no-coverage' },
        devDependencies: { jest: '30.5.2' },
      }),
    );
    expect(detectQualityChecks(dir)).toEqual([
      {
        name: 'test',
        kind: 'test',
        format: 'jest-json',
        command: 'jest --env node && jest --env @edge-runtime/jest-environment --no-coverage',
        coverage: false,
      },
    ]);
  });

  it("falls back to the dev dependencies when there is no script, and skips npm's placeholder test script", async () => {
    const dir = await repoWith({
      ...packageJson({
        scripts: { test: 'echo "Error: no test specified" && exit 1' },
        devDependencies: { eslint: '10.15.0', typescript: '5.9.3', jest: '30.5.2' },
      }),
      'eslint.config.js': 'export default [];\n',
      'tsconfig.json': '{}',
    });
    expect(detectQualityChecks(dir).map((c) => [c.name, c.format, c.command])).toEqual([
      ['lint', 'eslint-json', 'eslint .'],
      ['typecheck', 'tsc', 'tsc --noEmit'],
      ['test', 'jest-json', 'jest'],
    ]);
    expect(detectQualityChecks(await repoWith(packageJson({ devDependencies: { eslint: '10.15.0' } })))).toEqual([]);
  });
});

describe('the checks of .swarm.json', () => {
  it('keeps plain string commands as exit-code checks, of the kind their name says', async () => {
    const dir = await repoWith({
      '.swarm.json': JSON.stringify({ checks: { test: 'npm test', smoke: './smoke.sh' } }),
      ...packageJson({ scripts: { lint: 'eslint .' } }),
    });
    expect(detectQualityChecks(dir)).toEqual([
      { name: 'test', kind: 'test', format: 'exit-code', command: 'npm test', coverage: false },
      { name: 'smoke', kind: 'generic', format: 'exit-code', command: './smoke.sh', coverage: false },
    ]);
  });

  it('accepts the extended form with format, kind and coverage', async () => {
    const dir = await repoWith({
      '.swarm.json': JSON.stringify({
        checks: {
          unit: { command: 'npx vitest run --project unit', format: 'vitest-json', coverage: true },
          compile: { command: 'npm run build', kind: 'build' },
          types: { command: 'tsc -b', kind: 'typecheck', format: 'tsc' },
        },
      }),
    });
    expect(detectQualityChecks(dir)).toEqual([
      { name: 'unit', kind: 'test', format: 'vitest-json', command: 'npx vitest run --project unit', coverage: true },
      { name: 'compile', kind: 'build', format: 'exit-code', command: 'npm run build', coverage: false },
      { name: 'types', kind: 'typecheck', format: 'tsc', command: 'tsc -b', coverage: false },
    ]);
  });

  it('refuses a kind that contradicts the format, an unknown format and unknown fields, naming the field', async () => {
    const config = (checks: object) => repoWith({ '.swarm.json': JSON.stringify({ checks }) });
    const mismatch = await config({ test: { command: 'eslint .', kind: 'test', format: 'eslint-json' } });
    const unknownFormat = await config({ test: { command: 'mocha', format: 'mocha-json' } });
    const unknownField = await config({ test: { command: 'mocha', reporter: 'json' } });
    expect(() => detectQualityChecks(mismatch)).toThrow(RepoConfigError);
    expect(() => detectQualityChecks(mismatch)).toThrow(
      /invalid \.swarm\.json: checks\.test: kind does not match format/,
    );
    expect(() => detectQualityChecks(unknownFormat)).toThrow(/checks\.test\.format/);
    expect(() => detectQualityChecks(unknownField)).toThrow(/checks\.test.*reporter/);
  });

  it('carries the gate policy overrides of the repository', async () => {
    const dir = await repoWith({
      '.swarm.json': JSON.stringify({ quality: { lintWarningIncrease: 'error', coverageDropPercent: 2.5 } }),
    });
    const policy = resolvePolicy(readRepoConfig(dir)?.quality);
    expect(policy).toMatchObject({
      lintWarningIncrease: 'error',
      coverageDropPercent: 2.5,
      newFailingTest: 'error',
      coverageDrop: 'warning',
    });
    const bad = await repoWith({ '.swarm.json': JSON.stringify({ quality: { newFailingTest: 'fatal' } }) });
    expect(() => readRepoConfig(bad)).toThrow(/quality\.newFailingTest/);
  });

  it('reports a .swarm.json that is not JSON with its path', async () => {
    const dir = await repoWith({ '.swarm.json': '{ checks: ' });
    expect(() => detectQualityChecks(dir)).toThrow(
      new RegExp(`cannot parse ${path.join(dir, '.swarm.json').replace(/[.]/g, '\\.')}`),
    );
  });
});
