import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../../workspace/git.js';

/** A real git repository with the given files committed on `main`. */
export async function createFixtureRepo(dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFiles(dir, files);
  await git(dir, ['init', '--quiet', '--initial-branch', 'main']);
  await git(dir, ['add', '--all']);
  await git(dir, ['commit', '--quiet', '-m', 'fixture']);
  return dir;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
}

/** A small Node project whose `test` check runs node:test for real and whose build loads every module. */
export function nodeProjectFiles(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'package.json': JSON.stringify({
      name: 'fixture',
      private: true,
      type: 'module',
      scripts: { test: 'node --test', build: 'node build.js' },
    }),
    'build.js':
      "import { readdirSync } from 'node:fs';\nfor (const f of readdirSync('src')) await import(`./src/${f}`);\n",
    'src/sum.js': 'export const sum = (a, b) => a + b;\n',
    'test/sum.test.js':
      "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from '../src/sum.js';\n" +
      "test('sum adds', () => assert.equal(sum(2, 3), 5));\n",
    ...extra,
  };
}

/** A description block the local model turns into a whole-file write. */
export const writeBlock = (file: string, content: string, attempts?: string) =>
  `\`\`\`write ${file}${attempts ? ` attempts=${attempts}` : ''}\n${content.endsWith('\n') ? content : content + '\n'}\`\`\``;

/** A correct `mul` and its node:test test, for tasks on a nodeProjectFiles() repo. */
export const MUL = 'export const mul = (a, b) => a * b;';
export const MUL_TEST = [
  "import test from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { mul } from '../src/mul.js';",
  "test('mul multiplies', () => assert.equal(mul(3, 4), 12));",
].join('\n');

/** Edit blocks for the local model: a `mul` that is wrong in attempt 1 and right from attempt 2, with its test. */
export const MUL_WRONG_THEN_RIGHT = [
  writeBlock('src/mul.js', 'export const mul = (a, b) => a + b;', '1'),
  writeBlock('src/mul.js', 'export const mul = (a, b) => a * b;', '2-'),
  writeBlock('test/mul.test.js', MUL_TEST),
].join('\n');
