import { lstatSync, realpathSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../process/run-command.js';
import { DEFAULT_SANDBOX_LIMITS } from '../../process/sandbox.js';
import { sandboxSettings, taskSandbox } from '../../process/task-sandbox.js';
import { collectBaseline, readQualityGate } from '../../quality/baseline.js';
import { kindOf } from '../../errors/swarm-error.js';
import {
  installDependencies,
  MissingPackageManagerError,
  OutdatedLockfileError,
} from '../../workspace/dependencies.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';

const limits = { timeoutMs: 180_000, outputLimitBytes: 64 * 1024 };
// This machine's npm registry serves package metadata without signatures, which Corepack then
// refuses; a worker's operator makes the same choice through the worker's environment.
const COREPACK_MIRROR_ENV = { COREPACK_INTEGRITY_KEYS: '0' };

/** A pnpm repository (pnpm is not on this machine's PATH) whose test script runs uvu through `pnpm run`. */
async function pnpmProjectFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    '.gitignore': 'node_modules\n',
    'package.json': JSON.stringify({
      name: 'pnpm-fixture',
      private: true,
      type: 'module',
      packageManager: 'pnpm@9.15.9',
      // The build calls pnpm itself: it runs through Corepack's shims, offline, in the checks' sandbox.
      scripts: { test: 'pnpm run test:unit', 'test:unit': 'uvu tests', build: 'pnpm --version' },
      devDependencies: { uvu: '0.5.6' },
    }),
    'tests/sum.js':
      "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\ntest('adds', () => assert.is(1 + 1, 2));\ntest.run();\n",
  };
  await writeFile(path.join(dir, 'package.json'), files['package.json']!);
  const lock = await runCommand({
    cwd: dir,
    command: 'corepack pnpm install --lockfile-only',
    env: { ...process.env, ...COREPACK_MIRROR_ENV, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' },
    ...limits,
  });
  if (lock.exitCode !== 0) throw new Error(`could not write the pnpm lockfile: ${lock.output}`);
  return { ...files, 'pnpm-lock.yaml': await readFile(path.join(dir, 'pnpm-lock.yaml'), 'utf8') };
}

describe('dependencies with the repository’s package manager', () => {
  let root: string;

  beforeAll(() => {
    root = tempDir('package-managers');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('installs a pnpm repository with pnpm through Corepack in the sandbox, shares the tree, and reads uvu by name', async () => {
    const lockDir = path.join(root, 'lock');
    await mkdir(lockDir);
    const repo = await createFixtureRepo(path.join(root, 'repo'), await pnpmProjectFiles(lockDir));
    const swarmHome = path.join(root, 'home');
    const cacheDir = path.join(swarmHome, 'cache', 'dependencies');
    await mkdir(cacheDir, { recursive: true });
    const settings = sandboxSettings({
      kind: 'bubblewrap',
      limits: DEFAULT_SANDBOX_LIMITS,
      swarmHome,
      workerHome: homedir(),
      sharedReadOnly: [cacheDir],
      sourceEnv: { ...process.env, ...COREPACK_MIRROR_ENV },
    });
    const worktreeFor = async (task: string) => {
      const worktree = path.join(swarmHome, 'worktrees', task);
      await git(repo, ['worktree', 'add', '--quiet', '-b', `swarm/${task}`, worktree]);
      const sandbox = (network: boolean) => taskSandbox(settings, { key: task, worktree, repo, network });
      return { worktree, sandbox: await sandbox(false), installSandbox: await sandbox(true) };
    };

    const first = await worktreeFor('task-1');
    const gate = readQualityGate(first.worktree);
    expect(gate.checks).toEqual([
      { name: 'test', kind: 'test', format: 'uvu', command: 'uvu tests', coverage: false },
      { name: 'build', kind: 'build', format: 'exit-code', command: 'npm run build', coverage: false },
    ]);
    const baseline = await collectBaseline({ ...first, gate, ...limits, dependencyCacheDir: cacheDir });
    expect(baseline.checks[0]).toMatchObject({ error: null, passed: true, tests: { passed: 1, failed: 0 } });
    expect(baseline.checks[1]).toMatchObject({
      error: null,
      passed: true,
      outputTail: expect.stringMatching(/9\.15\.9$/),
    });
    // pnpm's layout, moved into the cache and linked back.
    const pnpmStore = path.join(first.worktree, 'node_modules', '.pnpm');
    expect(lstatSync(pnpmStore).isSymbolicLink()).toBe(true);
    expect(realpathSync(pnpmStore).startsWith(realpathSync(cacheDir))).toBe(true);

    const second = await worktreeFor('task-2');
    const done = await installDependencies(second.worktree, {
      ...limits,
      sandbox: second.installSandbox,
      cacheDir,
    });
    expect(done).toMatch(/^linked [0-9a-f]{32}$/);
    const again = await collectBaseline({ ...second, gate, ...limits, dependencyCacheDir: cacheDir });
    expect(again.checks[0]).toMatchObject({ error: null, tests: { passed: 1 } });
    // The linked worktree's task had no install: its Corepack cache got pnpm in the install step.
    expect(again.checks[1]).toMatchObject({ error: null, passed: true });
  }, 300_000);

  it('names the package manager that is missing and how the repository asked for it', async () => {
    const dir = await createFixtureRepo(path.join(root, 'bun'), {
      'package.json': JSON.stringify({ name: 'b', private: true, devDependencies: { uvu: '0.5.6' } }),
      'bun.lock': '{}\n',
    });
    const failure = installDependencies(dir, limits);
    await expect(failure).rejects.toThrow(MissingPackageManagerError);
    await expect(failure).rejects.toThrow(/uses bun \(bun\.lock\) but bun is not on the worker's PATH/);
  });

  it('stops on a lockfile that does not match package.json, keeping the first error lines and not npm’s usage text', async () => {
    const dir = await createFixtureRepo(path.join(root, 'stale'), {
      'package.json': JSON.stringify({ name: 's', private: true, devDependencies: { uvu: '0.5.6' } }),
      'package-lock.json': JSON.stringify({
        name: 's',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: 's' } },
      }),
    });
    const error = await installDependencies(dir, limits).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(OutdatedLockfileError);
    // Not retried: the kind the activity layer maps to a non-retryable failure.
    expect(kindOf(error)).toBe('fatal');
    expect((error as Error).message).toMatch(/Missing: uvu@0\.5\.6 from lock file/);
    expect((error as Error).message).not.toMatch(/Usage:|Clean install a project/);
  });
});
