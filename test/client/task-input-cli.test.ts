import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../client/temporal-dev-server.js';
import { branchForTask, workflowIdForTask } from '../../tasks/task.js';
import { newTaskId } from '../../tasks/task-id.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';
import { runCliCaptured } from '../helpers/captured-cli.js';

const TERMINAL_ACTS_ON = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe('task input through the CLI, in process', () => {
  let stack: TestStack;
  let repo: string;
  let files: string;
  beforeAll(async () => {
    stack = await createTestStack();
    repo = await createFixtureRepo(path.join(tempDir('cli-input'), 'repo'), nodeProjectFiles());
    files = tempDir('cli-input-files');
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  async function swarm(args: string[], env: Record<string, string> = {}) {
    const started = Date.now();
    const ran = await runCliCaptured(args, { ...stack.env, ...env }, stack.home);
    return { ...ran, ms: Date.now() - started };
  }
  const taskCount = async () => Number((await stack.store.db.execute('SELECT COUNT(*) AS n FROM tasks')).rows[0]!.n);
  const create = (...extra: string[]) => swarm(['task', 'create', '--title', 'a task', '--repo', repo, ...extra]);
  const file = (name: string, content: string | Buffer) => {
    const target = path.join(files, name);
    writeFileSync(target, content);
    return target;
  };

  it('refuses description files that are not regular UTF-8 text, at once and with one line naming the file', async () => {
    const fifo = path.join(files, 'description.fifo');
    execFileSync('mkfifo', [fifo]);
    const cases: Array<[string, string]> = [
      ['/dev/zero', '/dev/zero is a character device, not a regular file'],
      [fifo, `${fifo} is a FIFO (named pipe), not a regular file`],
      [files, `${files} is a directory, not a regular file`],
      [file('big.md', 'x'.repeat(256 * 1024 + 1)), 'big.md is 257 KB, more than the 256 KB allowed'],
      [file('nul.md', 'do this\0and that'), 'nul.md contains NUL bytes: it is binary, not text'],
      [file('latin1.md', Buffer.from('caf\xe9', 'latin1')), 'latin1.md is not valid UTF-8 text'],
      [
        file('binary.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00])),
        'binary.bin contains NUL bytes',
      ],
    ];
    const before = await taskCount();
    for (const [descriptionFile, reason] of cases) {
      const result = await create('--description-file', descriptionFile);
      expect(result, descriptionFile).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr, descriptionFile).toMatch(/^swarm: cannot read --description-file: [^\n]+\n$/);
      expect(result.stderr, descriptionFile).toContain(reason);
      expect(result.ms, descriptionFile).toBeLessThan(10_000);
    }
    expect(await taskCount()).toBe(before);
  });

  it('refuses NUL and control characters in titles, invisible titles, and control characters in criteria, skills, base and model', async () => {
    const before = await taskCount();
    const refused: Array<[string[], RegExp]> = [
      [
        ['--title', 'fix\x1b[2J\x1b]0;pwned\x07 it'],
        /title: title must not contain control characters \(found U\+001B\)/,
      ],
      [['--title', 'line\rover'], /title must not contain control characters \(found U\+000D\)/],
      [['--title', 'bell\x07'], /found U\+0007/],
      [['--title', 'csi\x9b31m'], /found U\+009B/],
      [
        ['--title', 'abc\u202edcba'],
        /title must not contain bidirectional-control or line-separator characters \(found U\+202E\)/,
      ],
      [['--title', '\u200b'], /title: title must contain visible characters/],
      [['--title', '\u200b\u200d\ufeff \u2060'], /title must contain visible characters/],
      [['--title', '\u3164'], /title must contain visible characters/],
      [
        ['--criteria', 'passes\x1b[31m'],
        /acceptanceCriteria\.0: an acceptance criterion must not contain control characters/,
      ],
      [['--skills', 'type\x1bscript'], /skills\.0: skills are short lowercase words/],
      [['--base', 'main\x1b'], /baseBranch: baseBranch must be a valid git branch name/],
      [['--model', 'lo\x1bcal'], /model: model must not contain control characters/],
    ];
    for (const [args, message] of refused) {
      const result = await swarm([
        'task',
        'create',
        '--title',
        'a task',
        '--description',
        'd',
        '--repo',
        repo,
        ...args,
      ]);
      expect(result, JSON.stringify(args)).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr, JSON.stringify(args)).toMatch(message);
      expect(result.stderr.split('\n'), JSON.stringify(args)).toHaveLength(2);
      // What is echoed is neutralised too.
      expect(result.stderr).not.toMatch(TERMINAL_ACTS_ON);
    }
    expect(await taskCount()).toBe(before);
  });

  it('names a --repo that is a file, a device or a FIFO as not a directory', async () => {
    const fifo = path.join(files, 'repo.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const bad of [file('plain.txt', 'x'), '/dev/null', fifo]) {
      const result = await create('--description', 'd', '--repo', bad);
      expect(result, bad).toMatchObject({ code: 2, stdout: '', stderr: `swarm: repo ${bad} is not a directory\n` });
    }
  });

  it('validates input before connecting: with Temporal down, bad input is refused at once, not after a connect timeout', async () => {
    const down = { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` };
    for (const args of [
      ['--title', '', '--description', 'd'],
      ['--description', 'd', '--max-attempts', '11'],
      ['--description', 'd', '--base', 'develop'],
      ['--description', 'd', '--model', 'gpt'],
      ['--description', 'd', '--skills', 'cobol'],
    ]) {
      const result = await swarm(['task', 'create', '--title', 'a task', '--repo', repo, ...args], down);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).not.toMatch(/Temporal/);
      expect(result.ms, args.join(' ')).toBeLessThan(3_000);
    }
    const unknownTask = await swarm(['task', 'cancel', 'NOT-AN-ID'], down);
    expect(unknownTask).toMatchObject({ code: 2, stdout: '' });
    expect(unknownTask.stderr).toMatch(
      /^swarm: command-argument value 'NOT-AN-ID' is invalid for argument 'id'\. "NOT-AN-ID" is not a task id/,
    );
    const emptyReason = await swarm(['task', 'reject', 'abcdef123', '--reason', ' '], down);
    expect(emptyReason).toMatchObject({ code: 2, stderr: 'swarm: a reason is needed to reject a budget\n' });
  });

  it('refuses to cancel a finished task, naming its status (exit 2)', async () => {
    const created = await create('--description', 'd', '--json');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const { id, workflowId } = JSON.parse(created.stdout) as { id: string; workflowId: string };
    await stack.testEnv.client.workflow.getHandle(workflowId).terminate('finished for the test');
    const closed = await swarm(['task', 'cancel', id]);
    expect(closed).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `swarm: task ${id} already finished (its workflow is terminated); there is nothing to cancel\n`,
    });
    await stack.store.tasks.setStatus(id, 'failed', { failureReason: 'terminated' });
    const failed = await swarm(['task', 'cancel', id]);
    expect(failed).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `swarm: task ${id} already finished (failed); there is nothing to cancel\n`,
    });
  });

  it('neutralises stored escape sequences, CR, BEL and bidi overrides in task list and task show', async () => {
    const id = newTaskId();
    const evil = 'ok\x1b]8;;http://evil.example\x07click\x1b]8;;\x07\r\x1b[2K\x9b31mred\u202eevil';
    await stack.store.tasks.insert({
      id,
      title: evil,
      description: 'd',
      priority: 'low',
      skills: ['x\x1b[1m'],
      acceptanceCriteria: [],
      repo: `${repo}\x07`,
      baseBranch: 'main',
      branch: branchForTask(id),
      modelType: 'local',
      maxAttempts: 1,
      workflowId: workflowIdForTask(id),
      budget: { maxTokens: null, maxCostUsd: null },
    });
    await stack.store.tasks.setStatus(id, 'failed', { failureReason: 'boom\x1b[31m\nsecond line' });
    for (const args of [
      ['task', 'list'],
      ['task', 'show', id],
    ]) {
      const result = await swarm(args);
      expect(result, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout, args.join(' ')).not.toMatch(TERMINAL_ACTS_ON);
      expect(result.stdout, args.join(' ')).toContain(
        'ok\\x1b]8;;http://evil.example\\x07click\\x1b]8;;\\x07\\r\\x1b[2K\\x9b31mred\\u{202e}evil',
      );
    }
    const shown = await swarm(['task', 'show', id]);
    expect(shown.stdout).toContain('failure     boom\\x1b[31m\\nsecond line');
    // JSON keeps the values exactly, with every control character escaped.
    const json = await swarm(['task', 'show', id, '--json']);
    expect(json.stdout).not.toMatch(TERMINAL_ACTS_ON);
    expect(JSON.parse(json.stdout).task.title).toBe(evil);
  });
});
