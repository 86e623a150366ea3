import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSchema } from '../../../config/model-config.js';
import { CliUnavailableError, createClaudeCodeAdapter, type ClaudeCodeOptions } from '../../../models/cli/index.js';
import { createModelRegistry } from '../../../models/registry.js';
import {
  agentRequest,
  collectingContext,
  createScratch,
  expectGone,
  FIXTURES,
  killLeftovers,
  readPids,
} from './cli-test-kit.js';

const API_KEY = 'sk-ant-api03-fixture-key-0123456789';
const SECRET = 'libsql-token-that-must-stay-home';
let scratch: Awaited<ReturnType<typeof createScratch>>;
let files = 0;

beforeAll(async () => {
  scratch = await createScratch('claude-code-adapter-test-');
});
afterAll(async () => {
  killLeftovers();
  await scratch.remove();
});

function adapter(scenario: string, overrides: ClaudeCodeOptions = {}) {
  const pidFile = scratch.file(`pids-${++files}.json`);
  const recordFile = scratch.file(`record-${files}.json`);
  const claude = createClaudeCodeAdapter({
    binary: path.join(FIXTURES, 'fake-claude.mjs'),
    model: 'claude-sonnet-4-5',
    sourceEnv: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ANTHROPIC_API_KEY: API_KEY,
      SWARM_TEST_SECRET: SECRET,
      FAKE_CLI_SCENARIO: scenario,
      FAKE_CLI_PIDS: pidFile,
      FAKE_CLI_RECORD: recordFile,
    },
    passEnv: ['FAKE_CLI_SCENARIO', 'FAKE_CLI_PIDS', 'FAKE_CLI_RECORD'],
    killGraceMs: 300,
    ...overrides,
  });
  const recorded = () =>
    JSON.parse(readFileSync(recordFile, 'utf8')) as { argv: string[]; cwd: string; prompt: string; via: string };
  return { claude, pidFile, recorded };
}

describe('Claude Code adapter', () => {
  it('runs claude -p with stream-json in the worktree and reports usage, turns, cost and the files it wrote', async () => {
    const worktree = await scratch.worktree();
    const { claude, recorded } = adapter('success');
    const { context, progress } = collectingContext();
    const outcome = await claude.run(agentRequest(worktree), context);

    expect(outcome.status).toBe('completed');
    expect(outcome.summary).toBe('Added src/greeting.txt with a greeting.');
    expect(outcome.usage).toEqual({ inputTokens: 1_500, outputTokens: 240, cachedInputTokens: 0, reasoningTokens: 0 });
    expect(outcome.model).toBe('claude-sonnet-4-5');
    expect(outcome.costUsd).toBe(0.0123);
    expect(outcome.filesTouched).toEqual(['src/greeting.txt']);
    expect(await readFile(path.join(worktree, 'src/greeting.txt'), 'utf8')).toBe('hello\n');

    const { argv, cwd, prompt, via } = recorded();
    expect(cwd).toBe(worktree);
    expect(via).toBe('argv');
    expect(argv.slice(0, 2)).toEqual(['-p', prompt]);
    expect(prompt).toBe('You are a careful engineer.\n\nAdd a greeting file.\n');
    expect(argv).toEqual(
      expect.arrayContaining([
        '--output-format',
        'stream-json',
        '--verbose',
        '--model',
        'claude-sonnet-4-5',
        '--permission-mode',
        'acceptEdits',
      ]),
    );
    expect(argv[argv.indexOf('--output-format') + 1]).toBe('stream-json');

    // A failed tool result inside a successful run is not a failed run.
    expect(outcome.transcript).toContain('[tool result error] Error: 1 test failed');
    expect(outcome.transcript).toContain('[tool Write]');
    expect(outcome.transcript).toContain('[assistant] Done: added src/greeting.txt.');
    expect(outcome.transcript).toContain('[result success] 3 turn(s), $0.0123');

    expect(progress.length).toBeGreaterThan(3);
    const turns = progress.map((p) => p.turn ?? 0);
    expect(turns).toEqual([...turns].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ turn: 3, filesTouched: 1 });
    expect(progress.find((p) => p.message?.includes('Bash npm test'))?.message).toMatch(
      /^claude-code: turn 2, 1 file\(s\), \d+ tokens · Bash npm test$/,
    );
  });

  it('passes a prompt too long for argv on stdin', async () => {
    const worktree = await scratch.worktree();
    const { claude, recorded } = adapter('success');
    const long = 'x'.repeat(150_000);
    const outcome = await claude.run(agentRequest(worktree, long), collectingContext().context);
    expect(outcome.status).toBe('completed');
    const { argv, prompt, via } = recorded();
    expect(via).toBe('stdin');
    expect(prompt).toContain(long);
    expect(argv.join(' ')).not.toContain(long);
    expect(outcome.transcript.length).toBeLessThan(10_000);
  });

  it('passes only allowlisted variables and keeps API keys out of the transcript and summary', async () => {
    const worktree = await scratch.worktree();
    const { claude } = adapter('env');
    const outcome = await claude.run(agentRequest(worktree), collectingContext().context);
    expect(outcome.status).toBe('completed');
    expect(outcome.transcript).toContain('secret=absent key=[redacted] path=yes');
    expect(outcome.transcript).toContain('debug: using key [redacted]');
    expect(outcome.summary).toBe('checked the environment with key [redacted]');
    expect(outcome.transcript).not.toContain(API_KEY);
    expect(outcome.transcript).not.toContain(SECRET);
  });

  it('reports a crash mid-stream as a failed outcome naming the exit code and stderr', async () => {
    const worktree = await scratch.worktree();
    const { claude } = adapter('crash');
    const outcome = await claude.run(agentRequest(worktree), collectingContext().context);
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toBe(
      'claude-code exited with code 1 without a result event (after 1 turn(s); last: Edit src/a.js); stderr: Error: socket hang up (1 unreadable output line(s) skipped)',
    );
    expect(outcome.transcript).toContain('[assistant] Starting work.');
  });

  it('reports a CLI killed by a signal as failed', async () => {
    const worktree = await scratch.worktree();
    const outcome = await adapter('killed').claude.run(agentRequest(worktree), collectingContext().context);
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toContain('claude-code was killed by SIGKILL without a result event');
  });

  it('decides by the result event: error_max_turns fails, and so does success with a non-zero exit', async () => {
    const maxTurns = await adapter('max-turns').claude.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(maxTurns).toMatchObject({
      status: 'failed',
      // One assistant turn was taken; the result's num_turns (2) counts the turn the limit refused.
      summary: 'claude-code reached its turn limit after 1 turn(s)',
      usage: { inputTokens: 300, outputTokens: 10 },
    });

    const badExit = await adapter('success-then-exit-1').claude.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(badExit).toMatchObject({ status: 'failed', summary: 'claude-code reported success but exited with code 1' });

    const noResult = await adapter('no-result').claude.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(noResult).toMatchObject({ status: 'failed' });
    expect(noResult.summary).toMatch(/^claude-code ended without a result event/);
  });

  it('skips and reports malformed lines without failing the run', async () => {
    const outcome = await adapter('malformed').claude.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome.status).toBe('completed');
    expect(outcome.summary).toBe('Finished despite noise. (3 unreadable output line(s) skipped)');
    expect(outcome.transcript).toContain('[unreadable output line] this is not json');
    expect(outcome.transcript).toContain('[malformed event] {"type":"assistant","message":{"content":"not an array"}}');
    expect(outcome.transcript).toContain('[malformed event] {"no_type":true}');
    expect(outcome.transcript).not.toContain('ping');
  });

  it('stops a hanging CLI at the timeout and kills its whole process group', async () => {
    const worktree = await scratch.worktree();
    const { claude, pidFile } = adapter('hang', { timeoutMs: 1_500 });
    const started = Date.now();
    const outcome = await claude.run(agentRequest(worktree), collectingContext().context);
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toBe('claude-code timed out after 2 s and was stopped (after 1 turn(s))');
    expect(Date.now() - started).toBeLessThan(10_000);
    const pids = await readPids(pidFile);
    await expectGone(pids.cli);
    await expectGone(pids.grandchild);
  });

  it('kills the process group on cancel and rethrows the cancellation', async () => {
    const worktree = await scratch.worktree();
    const { claude, pidFile } = adapter('hang');
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    const running = claude.run(agentRequest(worktree), collectingContext(controller.signal).context);
    const pids = await readPids(pidFile);
    expect(existsSync(`/proc/${pids.grandchild}`)).toBe(true);
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    await expectGone(pids.cli);
    await expectGone(pids.grandchild);
  });

  it('throws CliUnavailableError when the binary does not exist', async () => {
    const worktree = await scratch.worktree();
    const claude = createClaudeCodeAdapter({ binary: path.join(FIXTURES, 'no-such-claude'), sourceEnv: {} });
    await expect(claude.run(agentRequest(worktree), collectingContext().context)).rejects.toThrow(CliUnavailableError);
  });
});

describe('Claude Code adapter: what the real CLI showed', () => {
  it('reports an API error that ends as "success" with is_error as a failure naming the error', async () => {
    const outcome = await adapter('api-error').claude.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toBe('claude-code failed (HTTP 401) after 0 turn(s): Invalid API key · Please run /login');
    expect(outcome.authFailure).toBe(true);
  });

  it('keeps ANSI escapes, stray brackets and stack frames out of the failure summary', async () => {
    const outcome = await adapter('noisy-crash').claude.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toBe(
      'claude-code exited with code 1 without a result event (after 0 turn(s)); stderr: Error: ECONNRESET: the gateway closed the connection',
    );
    expect(outcome.summary).not.toMatch(/\x1b|\}$| at /);
  });

  it('passes the allowed tools and the base URL, and keeps Claude Code quiet besides its model calls', async () => {
    const { claude, recorded } = adapter('success', {
      allowedTools: ['Bash(npm test:*)', 'Bash(npm run lint:*)'],
      baseUrl: 'http://gateway.internal:8080',
    });
    await claude.run(agentRequest(await scratch.worktree()), collectingContext().context);
    const { argv, env } = recorded() as unknown as { argv: string[]; env: Record<string, string | null> };
    expect(argv.slice(argv.indexOf('--allowedTools'), argv.indexOf('--allowedTools') + 2)).toEqual([
      '--allowedTools',
      'Bash(npm test:*),Bash(npm run lint:*)',
    ]);
    expect(env.ANTHROPIC_BASE_URL).toBe('http://gateway.internal:8080');
    expect(env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe('1');
    expect(env.ANTHROPIC_API_KEY).toBe(API_KEY);
  });

  it('runs no command unconfined unless allowed, and takes its key from apiKeyEnv', async () => {
    const { claude, recorded } = adapter('success', {
      apiKeyEnv: 'TEAM_ANTHROPIC_KEY',
      sourceEnv: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEAM_ANTHROPIC_KEY: 'sk-ant-api03-team-key-0123456789',
        FAKE_CLI_SCENARIO: 'success',
        FAKE_CLI_RECORD: scratch.file('record-team.json'),
      },
    });
    await claude.run(agentRequest(await scratch.worktree()), collectingContext().context);
    const { argv, env } = JSON.parse(readFileSync(scratch.file('record-team.json'), 'utf8')) as {
      argv: string[];
      env: Record<string, string | null>;
    };
    void recorded;
    expect(argv).not.toContain('--allowedTools');
    expect(env.ANTHROPIC_API_KEY).toBe('sk-ant-api03-team-key-0123456789');
  });
});

describe('a claude-code model type from the configuration', () => {
  it('hands the CLI what passEnv names, and nothing else the worker holds', async () => {
    const record = scratch.file('record-registry.json');
    const config = modelSchema.parse({
      adapter: 'claude-code',
      command: path.join(FIXTURES, 'fake-claude.mjs'),
      passEnv: ['CLAUDE_CODE_USE_BEDROCK', 'FAKE_CLI_SCENARIO', 'FAKE_CLI_RECORD'],
    });
    const runtime = createModelRegistry(
      { claude: config },
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ANTHROPIC_API_KEY: API_KEY,
        CLAUDE_CODE_USE_BEDROCK: '1',
        ALL_PROXY: 'socks5://proxy.internal:1080',
        SWARM_TEST_SECRET: SECRET,
        FAKE_CLI_SCENARIO: 'success',
        FAKE_CLI_RECORD: record,
      },
    ).get('claude');
    if (runtime.mode !== 'single') throw new Error('claude-code runs as one CLI run');
    const outcome = await runtime.adapter.run(agentRequest(await scratch.worktree()), collectingContext().context);
    expect(outcome.status).toBe('completed');
    const { env } = JSON.parse(readFileSync(record, 'utf8')) as { env: Record<string, string | null> };
    expect(env).toMatchObject({
      CLAUDE_CODE_USE_BEDROCK: '1',
      ANTHROPIC_API_KEY: API_KEY,
      ALL_PROXY: null,
      SWARM_TEST_SECRET: null,
    });
  });
});
