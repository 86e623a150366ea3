import { existsSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectCheck } from '../../quality/collect-check.js';
import { collectSnapshot, readQualityGate } from '../../quality/baseline.js';
import { createSandboxFixture, SECRET, type SandboxFixture } from '../helpers/sandbox-fixture.js';
import { nodeProjectFiles } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';

let fixture: SandboxFixture;
const savedKey = process.env.OPENAI_API_KEY;

beforeAll(async () => {
  // A repo whose package depends on a local package, so that installing it needs no registry.
  fixture = await createSandboxFixture(
    tempDir('sandboxed-checks'),
    nodeProjectFiles({
      'package.json': JSON.stringify({
        name: 'fixture',
        private: true,
        type: 'module',
        scripts: { test: 'node --test', build: 'node build.js' },
        dependencies: { helper: 'file:./helper' },
      }),
      'helper/package.json': JSON.stringify({ name: 'helper', version: '1.0.0', main: 'index.js' }),
      'helper/index.js': 'module.exports = 42;\n',
    }),
  );
});
afterEach(() => {
  if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedKey;
});
afterAll(() => {
  if (fixture) rmSync(fixture.root, { recursive: true, force: true });
});

const options = { timeoutMs: 60_000, outputLimitBytes: 64 * 1024 };
const printKey = {
  name: 'print-key',
  kind: 'test' as const,
  format: 'exit-code' as const,
  coverage: false,
  command: `node -e "console.log('key=[' + (process.env.OPENAI_API_KEY ?? '') + ']')"`,
};

describe('checks in the task sandbox', () => {
  it('installs dependencies (with the network) and runs the gate, reading reports back from the sandbox', async () => {
    const { worktree } = fixture;
    const snapshot = await collectSnapshot(readQualityGate(worktree), {
      ...options,
      worktree,
      sandbox: await fixture.sandboxOf('bubblewrap'),
      installSandbox: await fixture.sandboxOf('bubblewrap', { network: true }),
    });
    expect(existsSync(path.join(worktree, 'node_modules', 'helper'))).toBe(true);
    const [test, build] = snapshot.checks;
    expect(test).toMatchObject({ name: 'test', passed: true, error: null, tests: { passed: 1, failed: 0 } });
    expect(test!.coverage?.lines).toBe(100);
    expect(build).toMatchObject({ name: 'build', passed: true });
  });

  it.each(['in the sandbox', 'without a sandbox'] as const)(
    'do not hand the worker’s OPENAI_API_KEY to a test %s',
    async (where) => {
      process.env.OPENAI_API_KEY = SECRET;
      const sandbox = where === 'in the sandbox' ? await fixture.sandboxOf('bubblewrap') : undefined;
      const run = await collectCheck(printKey, { ...options, worktree: fixture.worktree, sandbox });
      expect(run.output.trim()).toBe('key=[]');
    },
  );

  it('cannot reach the user repository’s working tree from a check', async () => {
    await mkdir(path.join(fixture.worktree, 'scripts'), { recursive: true });
    await writeFile(
      path.join(fixture.worktree, 'scripts', 'peek.sh'),
      `ls ${fixture.repo}; echo x > ${fixture.repo}/owned.txt\n`,
    );
    const check = {
      name: 'peek',
      kind: 'build' as const,
      format: 'exit-code' as const,
      coverage: false,
      command: 'sh scripts/peek.sh',
    };
    const run = await collectCheck(check, {
      ...options,
      worktree: fixture.worktree,
      sandbox: await fixture.sandboxOf('bubblewrap'),
    });
    expect(run.result.passed).toBe(false);
    expect(run.output).not.toContain('package.json');
    expect(existsSync(path.join(fixture.repo, 'owned.txt'))).toBe(false);
  });
});
