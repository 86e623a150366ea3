import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodexAdapter, type CodexOptions } from '../../../models/cli/index.js';
import {
  agentRequest,
  collectingContext,
  createScratch,
  expectGone,
  fixtureOptions,
  killLeftovers,
  readPids,
  TEST_SECRET,
} from './cli-test-kit.js';

const API_KEY = 'sk-proj-codex-fixture-0123456789';
let scratch: Awaited<ReturnType<typeof createScratch>>;

beforeAll(async () => {
  scratch = await createScratch('codex-adapter-test-');
});
afterAll(async () => {
  killLeftovers();
  await scratch.remove();
});

function adapter(scenario: string, overrides: CodexOptions = {}) {
  const fixture = fixtureOptions(scratch, 'fake-codex.mjs', scenario, { OPENAI_API_KEY: API_KEY });
  return { ...fixture, codex: createCodexAdapter({ ...fixture.options, model: 'gpt-5-codex', ...overrides }) };
}

describe('Codex CLI adapter', () => {
  it('runs codex exec --json in the worktree and reports usage, steps and the files it changed', async () => {
    const worktree = await scratch.worktree();
    const { codex, recorded } = adapter('success');
    const { context, progress } = collectingContext();
    const outcome = await codex.run(agentRequest(worktree), context);

    expect(outcome).toMatchObject({
      status: 'completed',
      summary: 'Added src/greeting.txt.',
      usage: { inputTokens: 24_763, outputTokens: 122 },
      costUsd: null,
    });
    expect(outcome.filesTouched).toEqual(['src/greeting.txt']);
    expect(await readFile(path.join(worktree, 'src/greeting.txt'), 'utf8')).toBe('hello\n');

    const { argv, cwd, prompt, via } = recorded();
    expect(cwd).toBe(worktree);
    expect(via).toBe('argv');
    expect(argv).toEqual([
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--sandbox',
      'workspace-write',
      '--model',
      'gpt-5-codex',
      prompt,
    ]);
    expect(prompt).toContain('Add a greeting file.');

    expect(outcome.transcript).toContain('[command completed, exit 0] bash -lc ls');
    expect(outcome.transcript).toContain('[command failed, exit 1] npm test');
    expect(outcome.transcript).toContain(`[file change completed] add ${path.join(worktree, 'src/greeting.txt')}`);
    expect(progress.at(-1)).toMatchObject({ turn: 4, filesTouched: 1 });
    expect(progress.some((p) => p.message?.endsWith('· $ bash -lc ls'))).toBe(true);
  });

  it('passes a long prompt on stdin with "-"', async () => {
    const { codex, recorded } = adapter('success');
    const long = 'y'.repeat(120_000);
    expect((await codex.run(agentRequest(await scratch.worktree(), long), collectingContext().context)).status).toBe(
      'completed',
    );
    const { argv, prompt, via } = recorded();
    expect(via).toBe('stdin');
    expect(argv.at(-1)).toBe('-');
    expect(prompt).toContain(long);
  });

  it('sees only allowlisted variables, and the key is redacted', async () => {
    const outcome = await adapter('env').codex.run(agentRequest(await scratch.worktree()), collectingContext().context);
    expect(outcome.summary).toBe('secret=absent key=[redacted]');
    expect(outcome.transcript).not.toContain(API_KEY);
    expect(outcome.transcript).not.toContain(TEST_SECRET);
  });

  it('fails on turn.failed with the error message', async () => {
    const outcome = await adapter('turn-failed').codex.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toBe('codex turn failed: unexpected status 401 Unauthorized');
    expect(outcome.transcript).toContain('[error] stream disconnected before completion');
  });

  it('reports a crash before turn.completed as failed, with the exit code and stderr', async () => {
    const outcome = await adapter('crash').codex.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toBe(
      'codex exited with code 101 before completing its turn (after 0 step(s)); stderr: thread main panicked (1 unreadable output line(s) skipped)',
    );
  });

  it('skips malformed lines and still completes', async () => {
    const outcome = await adapter('malformed').codex.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome).toMatchObject({
      status: 'completed',
      summary: 'Done anyway. (2 unreadable output line(s) skipped)',
      usage: { inputTokens: 10, outputTokens: 5 },
    });
  });

  it('kills the process group at the timeout', async () => {
    const { codex, pidFile } = adapter('hang', { timeoutMs: 1_000 });
    const outcome = await codex.run(agentRequest(await scratch.worktree()), collectingContext().context);
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toMatch(/^codex timed out after 1 s and was stopped/);
    const pids = await readPids(pidFile);
    await expectGone(pids.cli);
    await expectGone(pids.grandchild);
  });
});

describe('Codex CLI adapter: what the real CLI showed', () => {
  it('stops a codex that only reconnects by the stall rule, with its last error as the reason', async () => {
    const { codex } = adapter('reconnecting', { stallTimeoutMs: 1_000 });
    const { context, progress } = collectingContext();
    const started = Date.now();
    const outcome = await codex.run(agentRequest(await scratch.worktree()), context);
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toBe(
      'codex made no progress for 1 s and was stopped (after 0 turn(s)); last error: Reconnecting... waiting for network (Connection failed: error sending request)',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    // Reconnect chatter is not progress: no heartbeat claimed any.
    expect(progress).toEqual([]);
  });

  it('hands the key over as CODEX_API_KEY and the base URL in a generated CODEX_HOME, removed afterwards', async () => {
    const { codex, recorded } = adapter('success', { baseUrl: 'http://gateway.internal:8080/v1' });
    await codex.run(agentRequest(await scratch.worktree()), collectingContext().context);
    const { env } = recorded() as unknown as { env: Record<string, string | null> };
    expect(env.CODEX_API_KEY).toBe(API_KEY);
    expect(env.CODEX_HOME).not.toBe(path.join(process.env.HOME!, '.codex'));
    expect(env.codexConfig).toContain('base_url = "http://gateway.internal:8080/v1"');
    expect(env.codexConfig).toContain('env_key = "CODEX_API_KEY"');
    expect(env.codexConfig).toContain('supports_websockets = false');
    expect(existsSync(env.CODEX_HOME!)).toBe(false);
  });
});
