/** The example repository the quick start works on: a tiny Node package with real test and build checks. */
export const EXAMPLE_REPO_FILES: Record<string, string> = {
  'package.json':
    JSON.stringify(
      {
        name: 'swarm-example',
        version: '1.0.0',
        private: true,
        type: 'module',
        scripts: { test: 'node --test', build: 'node scripts/build.js' },
      },
      null,
      2,
    ) + '\n',
  'src/greet.js': 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n',
  'test/greet.test.js':
    "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { greet } from '../src/greet.js';\n\n" +
    "test('greet says hello', () => {\n  assert.equal(greet('Ada'), 'Hello, Ada!');\n});\n",
  'scripts/build.js':
    "// The example's build: every module in src/ must load.\nimport { readdirSync } from 'node:fs';\n\n" +
    "for (const file of readdirSync(new URL('../src/', import.meta.url))) {\n  await import(new URL(`../src/${file}`, import.meta.url));\n}\n" +
    "console.log('build ok');\n",
  '.gitignore': 'node_modules/\n',
};

/**
 * The example task, for the deterministic local model: the first attempt writes a subtly wrong
 * function, the real test check fails, and the second attempt (given that failure as feedback)
 * writes the right one. So the quick start shows the whole loop: agent, checks, feedback, merge.
 */
export const EXAMPLE_TASK = {
  title: 'Add a farewell function',
  priority: 'high' as const,
  skills: ['javascript'],
  acceptanceCriteria: ['farewell(name) returns "Goodbye, <name>!"', 'the tests and the build pass'],
  description: [
    'Add `farewell(name)` next to `greet(name)`, with a test.',
    '',
    '```write src/farewell.js attempts=1',
    'export function farewell(name) {',
    '  return `Goodbye ${name}`;',
    '}',
    '```',
    '```write src/farewell.js attempts=2-',
    'export function farewell(name) {',
    '  return `Goodbye, ${name}!`;',
    '}',
    '```',
    '```write test/farewell.test.js',
    "import test from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { farewell } from '../src/farewell.js';",
    '',
    "test('farewell says goodbye', () => {",
    "  assert.equal(farewell('Ada'), 'Goodbye, Ada!');",
    '});',
    '```',
  ].join('\n'),
};
