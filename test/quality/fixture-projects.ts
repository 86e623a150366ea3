import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../../process/run-command.js';
import { git } from '../../workspace/git.js';
import { writeFiles } from '../helpers/fixture-repo.js';

const PROJECT_NODE_MODULES = path.resolve(import.meta.dirname, '../../node_modules');

/**
 * Gives a fixture the project's own tools: its `.bin` (eslint, tsc, vitest) and the packages its
 * files import. A real directory of links rather than one link to the whole folder, so that caches
 * the tools write under node_modules (e.g. vitest's) stay in the fixture. Git ignores it. npm's
 * record of an install marks the dependencies installed, so the gate's install step leaves them be.
 */
export async function linkProjectTools(dir: string, packages: string[] = ['vitest', '@eslint/js']): Promise<void> {
  const nodeModules = path.join(dir, 'node_modules');
  await mkdir(nodeModules, { recursive: true });
  await symlink(path.join(PROJECT_NODE_MODULES, '.bin'), path.join(nodeModules, '.bin'));
  for (const name of packages) {
    await mkdir(path.dirname(path.join(nodeModules, name)), { recursive: true });
    await symlink(path.join(PROJECT_NODE_MODULES, name), path.join(nodeModules, name));
  }
  await writeFile(
    path.join(nodeModules, '.package-lock.json'),
    JSON.stringify({ name: 'quality-fixture', lockfileVersion: 3, packages: {} }),
  );
}

/** A new branch of `repo` checked out in its own worktree with `files` written and committed, like a task's worktree. */
export async function changeInWorktree(
  repo: string,
  worktree: string,
  files: Record<string, string>,
  remove: string[] = [],
): Promise<string> {
  const branch = path.basename(worktree);
  await git(repo, ['worktree', 'add', '--quiet', '-b', branch, worktree]);
  await writeFiles(worktree, files);
  for (const file of remove) await rm(path.join(worktree, file));
  await git(worktree, ['add', '--all']);
  await git(worktree, ['commit', '--quiet', '-m', branch]);
  return worktree;
}

/** A JavaScript project checked by eslint, by tsc (checkJs, so JSDoc types count) and by vitest, with a build script. */
export function linkedToolsProjectFiles(): Record<string, string> {
  return {
    '.gitignore': 'node_modules\n',
    'package.json': JSON.stringify({
      name: 'quality-fixture',
      private: true,
      type: 'module',
      scripts: { lint: 'eslint .', typecheck: 'tsc --noEmit', test: 'vitest run', build: 'node build.js' },
      devDependencies: { '@eslint/js': '10.0.1', eslint: '10.15.0', typescript: '5.9.3', vitest: '4.1.12' },
    }),
    'eslint.config.js':
      "import js from '@eslint/js';\n" +
      "export default [js.configs.recommended, { languageOptions: { globals: { console: 'readonly' } }, rules: { 'no-console': 'warn' } }];\n",
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        allowJs: true,
        checkJs: true,
        noEmit: true,
        types: [],
      },
      include: ['src'],
    }),
    'build.js':
      "import { readdirSync } from 'node:fs';\nfor (const f of readdirSync('src')) await import(`./src/${f}`);\n",
    'src/sum.js': '/** @param {number} a @param {number} b */\nexport const sum = (a, b) => a + b;\n',
    'src/greet.js': '/** @param {string} name */\nexport const greet = (name) => `Hello, ${name}!`;\n',
    'test/sum.test.js':
      "import { describe, expect, it } from 'vitest';\nimport { sum } from '../src/sum.js';\n\n" +
      "describe('sum', () => {\n  it('adds two numbers', () => expect(sum(2, 3)).toBe(5));\n  it('keeps zero neutral', () => expect(sum(7, 0)).toBe(7));\n});\n",
    'test/greet.test.js':
      "import { describe, expect, it } from 'vitest';\nimport { greet } from '../src/greet.js';\n\n" +
      "describe('greet', () => {\n  it('greets by name', () => expect(greet('Ada')).toBe('Hello, Ada!'));\n});\n",
  };
}

/**
 * Real test runners from npm, installed once into a directory under the system temp dir named by
 * the package list (kept across runs, so only the first run downloads). Returns its node_modules.
 */
export async function npmTools(packages: Record<string, string>): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify(packages) + process.versions.node.split('.')[0])
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(tmpdir(), `jetpack-test-tools-${key}`);
  if (existsSync(path.join(dir, 'ready'))) return path.join(dir, 'node_modules');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'test-tools', private: true, dependencies: packages }),
  );
  const install = await runCommand({
    cwd: dir,
    command: 'npm install --no-audit --no-fund --ignore-scripts',
    timeoutMs: 300_000,
    outputLimitBytes: 64 * 1024,
  });
  if (install.exitCode !== 0)
    throw new Error(`installing ${Object.keys(packages).join(', ')} failed: ${install.output}`);
  await writeFile(path.join(dir, 'ready'), '');
  return path.join(dir, 'node_modules');
}

/** Gives a fixture the packages of `nodeModules` (see npmTools) as links, marked installed like linkProjectTools. */
export async function linkTools(dir: string, nodeModules: string): Promise<void> {
  const target = path.join(dir, 'node_modules');
  await mkdir(target, { recursive: true });
  for (const name of await readdir(nodeModules)) {
    if (name !== '.package-lock.json') await symlink(path.join(nodeModules, name), path.join(target, name));
  }
  await writeFile(
    path.join(target, '.package-lock.json'),
    JSON.stringify({ name: 'quality-fixture', lockfileVersion: 3, packages: {} }),
  );
}
