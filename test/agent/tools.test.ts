import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgentToolbox, type AgentToolbox } from '../../agent/tools/index.js';
import { git } from '../../workspace/git.js';

let root: string;
let worktree: string;
let outside: string;
let tools: AgentToolbox;
let runs = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'agent-tools-test-'));
  outside = path.join(root, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'outside secret\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  worktree = path.join(root, `worktree-${++runs}`);
  await mkdir(path.join(worktree, 'src'), { recursive: true });
  await writeFile(path.join(worktree, 'src/sum.js'), 'export const sum = (a, b) => a + b;\n');
  await writeFile(path.join(worktree, 'README.md'), '# Fixture\nsum adds numbers\n');
  await git(worktree, ['init', '--quiet', '--initial-branch', 'main']);
  await git(worktree, ['add', '--all']);
  await git(worktree, ['commit', '--quiet', '-m', 'fixture']);
  tools = createAgentToolbox({ worktree, commandEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
});

const read = (file: string) => readFile(path.join(worktree, file), 'utf8');

describe('tool specs', () => {
  it('describe every tool with a JSON schema of an object input', () => {
    expect(tools.specs.map((s) => s.name)).toEqual([
      'read_file',
      'write_file',
      'edit_file',
      'append_file',
      'delete_file',
      'list_directory',
      'search',
      'run_command',
      'finish',
    ]);
    for (const spec of tools.specs) {
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.inputSchema).toMatchObject({ type: 'object' });
      expect(spec.inputSchema).not.toHaveProperty('$schema');
    }
    const edit = tools.specs.find((s) => s.name === 'edit_file')!.inputSchema;
    expect(edit.required).toEqual(['path', 'old_string', 'new_string']);
    const list = tools.specs.find((s) => s.name === 'list_directory')!.inputSchema;
    expect(list.required ?? []).not.toContain('path');
  });
});

describe('input checking', () => {
  it('returns an error outcome, not an exception, for an unknown tool', async () => {
    const outcome = await tools.execute('delete_everything', {});
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toContain('unknown tool "delete_everything"');
    expect(outcome.output).toContain('read_file');
  });

  it('names the offending field of invalid input', async () => {
    const outcome = await tools.execute('read_file', { path: 42 });
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.output).toMatch(/^invalid input for read_file: path: /);
  });
});

describe('read_file', () => {
  it('returns a small file whole', async () => {
    expect(await tools.execute('read_file', { path: 'src/sum.js' })).toEqual({
      ok: true,
      output: 'export const sum = (a, b) => a + b;',
    });
  });

  it('pages long files and says which lines it shows', async () => {
    await writeFile(
      path.join(worktree, 'long.txt'),
      Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n',
    );
    const outcome = await tools.execute('read_file', { path: 'long.txt', offset: 4, limit: 3 });
    expect(outcome).toEqual({
      ok: true,
      output: '[lines 4-6 of 10; pass offset to read more]\nline 4\nline 5\nline 6',
    });
  });

  it('caps the page at the configured line limit', async () => {
    const small = createAgentToolbox({ worktree, limits: { maxReadLines: 2 } });
    await writeFile(path.join(worktree, 'long.txt'), 'a\nb\nc\nd\n');
    expect((await small.execute('read_file', { path: 'long.txt', limit: 100 })).output).toBe(
      '[lines 1-2 of 4; pass offset to read more]\na\nb',
    );
  });

  it('refuses binary files', async () => {
    await writeFile(path.join(worktree, 'blob.bin'), Buffer.from([1, 0, 2, 3]));
    expect(await tools.execute('read_file', { path: 'blob.bin' })).toEqual({
      ok: false,
      output: 'blob.bin is a binary file (4 bytes); not shown',
    });
  });

  it('reports a missing file with a worktree-relative path', async () => {
    const outcome = await tools.execute('read_file', { path: 'src/missing.js' });
    expect(outcome).toEqual({ ok: false, output: 'no such file or directory: src/missing.js' });
  });
});

describe('paths outside the worktree', () => {
  it.each([['../outside/secret.txt'], ['/etc/passwd'], ['src/../../outside/secret.txt']])(
    'refuses to read %s',
    async (requested) => {
      const outcome = await tools.execute('read_file', { path: requested });
      expect(outcome.ok).toBe(false);
      expect(outcome.output).toContain('outside the worktree');
      expect(outcome.output).not.toContain('outside secret');
    },
  );

  it('refuses to write outside and leaves the outside untouched', async () => {
    const outcome = await tools.execute('write_file', { path: '../outside/new.txt', content: 'x' });
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.output).toContain('outside the worktree');
    expect(existsSync(path.join(outside, 'new.txt'))).toBe(false);
  });

  it.each([['.git/config'], ['.git'], ['./.git/hooks/pre-commit']])('refuses %s', async (requested) => {
    const outcome = await tools.execute('write_file', { path: requested, content: 'evil' });
    expect(outcome).toEqual({ ok: false, output: `refused path "${requested}": .git is off limits` });
  });

  it('refuses to follow a symbolic link that leads outside', async () => {
    await symlink(outside, path.join(worktree, 'escape'));
    const readOutcome = await tools.execute('read_file', { path: 'escape/secret.txt' });
    expect(readOutcome.ok).toBe(false);
    expect(readOutcome.output).toContain('outside the worktree');
    const writeOutcome = await tools.execute('write_file', { path: 'escape/planted.txt', content: 'x' });
    expect(writeOutcome.ok).toBe(false);
    expect(existsSync(path.join(outside, 'planted.txt'))).toBe(false);
  });

  it('refuses to write through a dangling symbolic link', async () => {
    await symlink(path.join(outside, 'not-yet.txt'), path.join(worktree, 'dangling.txt'));
    const outcome = await tools.execute('write_file', { path: 'dangling.txt', content: 'x' });
    expect(outcome.ok).toBe(false);
    expect(existsSync(path.join(outside, 'not-yet.txt'))).toBe(false);
  });
});

describe('write_file', () => {
  it('creates the file and its directories and reports the changed path', async () => {
    const outcome = await tools.execute('write_file', {
      path: 'src/lib/mul.js',
      content: 'export const mul = (a, b) => a * b;\n',
    });
    expect(outcome).toEqual({ ok: true, output: 'wrote 36 bytes to src/lib/mul.js', changedPath: 'src/lib/mul.js' });
    expect(await read('src/lib/mul.js')).toBe('export const mul = (a, b) => a * b;\n');
  });
});

describe('edit_file', () => {
  it('replaces the one exact occurrence', async () => {
    const outcome = await tools.execute('edit_file', {
      path: 'src/sum.js',
      old_string: 'a + b',
      new_string: 'Number(a) + Number(b)',
    });
    expect(outcome).toEqual({ ok: true, output: 'edited src/sum.js', changedPath: 'src/sum.js' });
    expect(await read('src/sum.js')).toBe('export const sum = (a, b) => Number(a) + Number(b);\n');
  });

  it('fails without changing the file when the old string is missing', async () => {
    const outcome = await tools.execute('edit_file', { path: 'src/sum.js', old_string: 'a - b', new_string: 'x' });
    expect(outcome).toEqual({
      ok: false,
      output: 'old_string was not found in src/sum.js; read the file and copy the text exactly',
    });
    expect(await read('src/sum.js')).toBe('export const sum = (a, b) => a + b;\n');
  });

  it('fails without changing the file when the old string is not unique', async () => {
    await writeFile(path.join(worktree, 'twice.txt'), 'x = 1\nx = 1\n');
    const outcome = await tools.execute('edit_file', { path: 'twice.txt', old_string: 'x = 1', new_string: 'x = 2' });
    expect(outcome).toEqual({
      ok: false,
      output: 'old_string appears 2 times in twice.txt; include more surrounding text so it is unique',
    });
    expect(await read('twice.txt')).toBe('x = 1\nx = 1\n');
  });
});

describe('list_directory', () => {
  it('lists the root sorted, marks directories and hides .git', async () => {
    expect(await tools.execute('list_directory', {})).toEqual({ ok: true, output: 'README.md\nsrc/' });
  });

  it('bounds the number of entries', async () => {
    for (let i = 0; i < 5; i++) await writeFile(path.join(worktree, 'src', `f${i}.js`), '');
    const small = createAgentToolbox({ worktree, limits: { maxListEntries: 2 } });
    expect((await small.execute('list_directory', { path: 'src' })).output).toBe(
      'f0.js\nf1.js\n… [4 more entries not shown]',
    );
  });
});

describe('search', () => {
  it('finds matches in tracked and untracked files as path:line:text', async () => {
    await writeFile(path.join(worktree, 'src/new.js'), '// not committed\nconst total = sum(1, 2);\n');
    const outcome = await tools.execute('search', { pattern: 'sum\\(' });
    expect(outcome.ok).toBe(true);
    expect(outcome.output.split('\n').sort()).toEqual(['src/new.js:2:const total = sum(1, 2);']);
    const fixed = await tools.execute('search', { pattern: 'sum(', fixed_strings: true });
    expect(fixed.output).toBe('src/new.js:2:const total = sum(1, 2);');
  });

  it('searches only under the given path', async () => {
    const outcome = await tools.execute('search', { pattern: 'sum', path: 'src' });
    expect(outcome.output).toBe('src/sum.js:1:export const sum = (a, b) => a + b;');
  });

  it('says so when nothing matches', async () => {
    expect(await tools.execute('search', { pattern: 'no-such-text-anywhere' })).toEqual({
      ok: true,
      output: 'no matches',
    });
  });

  it('bounds the number of matches', async () => {
    await writeFile(path.join(worktree, 'many.txt'), Array.from({ length: 50 }, () => 'needle').join('\n') + '\n');
    const small = createAgentToolbox({ worktree, limits: { maxSearchMatches: 3 } });
    const outcome = await small.execute('search', { pattern: 'needle' });
    expect(outcome.output).toBe(
      'many.txt:1:needle\nmany.txt:2:needle\nmany.txt:3:needle\n… [more than 3 matches; narrow the pattern or the path]',
    );
  });

  it('refuses to search outside the worktree', async () => {
    const outcome = await tools.execute('search', { pattern: 'secret', path: '../outside' });
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toContain('outside the worktree');
  });
});

describe('run_command', () => {
  it('runs in the worktree and reports the exit code with the output', async () => {
    const outcome = await tools.execute('run_command', { command: 'pwd; echo done' });
    expect(outcome.ok).toBe(true);
    expect(outcome.output).toMatch(/^exit code 0 \(\d+ ms\)\n/);
    expect(outcome.output).toContain(`${worktree}\ndone\n`);
  });

  it('marks a failing command as not ok', async () => {
    const outcome = await tools.execute('run_command', { command: 'echo broken >&2; exit 3' });
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/^exit code 3 \(\d+ ms\)\nbroken\n$/);
  });

  it('stops a command at its timeout', async () => {
    const outcome = await tools.execute('run_command', { command: 'sleep 30', timeout_seconds: 1 });
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/^timed out after 1 s and was stopped/);
  });

  it('passes only the given environment', async () => {
    process.env.AGENT_TOOLS_TEST_SECRET = 'do-not-leak';
    try {
      const outcome = await tools.execute('run_command', { command: 'echo "secret=[$AGENT_TOOLS_TEST_SECRET]"' });
      expect(outcome.output).toContain('secret=[]');
    } finally {
      delete process.env.AGENT_TOOLS_TEST_SECRET;
    }
  });

  it('reports the process group id of each command it starts', async () => {
    const pids: number[] = [];
    const watched = createAgentToolbox({ worktree, onCommandStart: (pid) => pids.push(pid) });
    const outcome = await watched.execute('run_command', { command: 'echo "pgid=$(ps -o pgid= -p $$ | tr -d " ")"' });
    expect(pids).toHaveLength(1);
    expect(outcome.output).toContain(`pgid=${pids[0]}`);
  });

  it('bounds the output', async () => {
    const small = createAgentToolbox({ worktree, limits: { commandOutputLimitBytes: 1_000 } });
    const outcome = await small.execute('run_command', { command: "head -c 100000 /dev/zero | tr '\\0' x" });
    expect(outcome.output.length).toBeLessThan(1_200);
    expect(outcome.output).toContain('bytes omitted');
  });
});

describe('finish', () => {
  it('carries the summary and success flag', async () => {
    expect(await tools.execute('finish', { summary: '  Added mul.  ' })).toEqual({
      ok: true,
      output: 'finished',
      finished: { summary: 'Added mul.', success: true },
    });
    expect((await tools.execute('finish', { summary: 'Blocked by a missing API', success: false })).finished).toEqual({
      summary: 'Blocked by a missing API',
      success: false,
    });
  });
});

describe('output bound', () => {
  it('clips any tool output to maxOutputChars', async () => {
    await writeFile(path.join(worktree, 'wide.txt'), 'y'.repeat(5_000));
    const small = createAgentToolbox({ worktree, limits: { maxOutputChars: 100 } });
    const outcome = await small.execute('read_file', { path: 'wide.txt' });
    expect(outcome.output).toBe(`${'y'.repeat(100)}\n… [4900 more characters not shown]`);
  });
});
