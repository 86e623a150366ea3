import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandAdapter, type CommandAdapterOptions } from '../../../models/cli/index.js';
import { agentRequest, collectingContext, createScratch, expectGone, killLeftovers, readPids } from './cli-test-kit.js';

let scratch: Awaited<ReturnType<typeof createScratch>>;
beforeAll(async () => {
  scratch = await createScratch('command-adapter-test-');
});
afterAll(async () => {
  killLeftovers();
  await scratch.remove();
});

const adapter = (options: Pick<CommandAdapterOptions, 'command' | 'promptVia'> & Partial<CommandAdapterOptions>) =>
  createCommandAdapter({ sourceEnv: { PATH: process.env.PATH, HOME: process.env.HOME }, killGraceMs: 300, ...options });

describe('generic command adapter', () => {
  it('gives the prompt on stdin, runs in the worktree and succeeds on exit 0 with the last output line as summary', async () => {
    const worktree = await scratch.worktree();
    const agent = adapter({
      kind: 'my-agent',
      command: 'cat > received.txt; pwd; echo "wrote the file"',
      promptVia: 'stdin',
    });
    const { context, progress } = collectingContext();
    const outcome = await agent.run(agentRequest(worktree), context);
    expect(outcome).toMatchObject({
      status: 'completed',
      summary: 'my-agent exited with code 0: wrote the file',
      usage: { inputTokens: 0, outputTokens: 0 },
      filesTouched: ['received.txt'],
    });
    expect(await readFile(path.join(worktree, 'received.txt'), 'utf8')).toBe(
      'You are a careful engineer.\n\nAdd a greeting file.\n',
    );
    expect(outcome.transcript).toContain(`${worktree}\nwrote the file\n`);
    expect(progress.map((p) => p.message)).toEqual([`my-agent: ${worktree}`, 'my-agent: wrote the file']);
  });

  it('puts the prompt in a file outside the worktree, named by {prompt_file} and $SWARM_PROMPT_FILE, and removes it after', async () => {
    const worktree = await scratch.worktree();
    const agent = adapter({
      command: 'cp {prompt_file} copy.md; echo "$SWARM_PROMPT_FILE" > where.txt',
      promptVia: 'file',
    });
    const outcome = await agent.run(agentRequest(worktree), collectingContext().context);
    expect(outcome.status).toBe('completed');
    expect(await readFile(path.join(worktree, 'copy.md'), 'utf8')).toContain('Add a greeting file.');
    const promptFile = (await readFile(path.join(worktree, 'where.txt'), 'utf8')).trim();
    expect(promptFile.startsWith(worktree)).toBe(false);
    expect(path.dirname(path.dirname(promptFile))).toBe(tmpdir());
    expect(existsSync(promptFile)).toBe(false);
    expect((await readdir(worktree)).sort()).toEqual(['.git', 'README.md', 'copy.md', 'where.txt']);
  });

  it('fails on a non-zero exit, quoting stderr', async () => {
    const outcome = await adapter({
      command: 'echo working; echo "fatal: no model configured" >&2; exit 3',
      promptVia: 'stdin',
    }).run(agentRequest(await scratch.worktree()), collectingContext().context);
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: 'command exited with code 3: fatal: no model configured',
    });
  });

  it('passes only allowlisted variables, and redacts the keys it passes', async () => {
    const agent = createCommandAdapter({
      command: 'echo "secret=[$DB_TOKEN] key=[$AIDER_API_KEY]"',
      promptVia: 'stdin',
      sourceEnv: { PATH: process.env.PATH, DB_TOKEN: 'database-token-123456', AIDER_API_KEY: 'aider-key-abcdefgh' },
      passEnv: ['AIDER_API_KEY'],
    });
    const outcome = await agent.run(agentRequest(await scratch.worktree()), collectingContext().context);
    expect(outcome.summary).toBe('command exited with code 0: secret=[] key=[[redacted]]');
    expect(outcome.transcript).not.toContain('aider-key-abcdefgh');
  });

  it('kills the process group at the timeout', async () => {
    const pidFile = scratch.file('command-hang.pids.json');
    const agent = adapter({
      command: `sleep 300 & echo "{\\"cli\\": $$, \\"grandchild\\": $!}" > ${pidFile}; trap "" TERM; while true; do sleep 1; done`,
      promptVia: 'stdin',
      timeoutMs: 1_000,
    });
    const outcome = await agent.run(agentRequest(await scratch.worktree()), collectingContext().context);
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toBe('command timed out after 1 s and was stopped');
    const pids = await readPids(pidFile);
    await expectGone(pids.cli);
    await expectGone(pids.grandchild);
  });
});
