import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeminiCliAdapter, type GeminiCliOptions } from '../../../models/cli/index.js';
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

const API_KEY = 'AIzaSy-gemini-fixture-0123456789';
let scratch: Awaited<ReturnType<typeof createScratch>>;

beforeAll(async () => {
  scratch = await createScratch('gemini-cli-adapter-test-');
});
afterAll(async () => {
  killLeftovers();
  await scratch.remove();
});

function adapter(scenario: string, overrides: GeminiCliOptions = {}) {
  const fixture = fixtureOptions(scratch, 'fake-gemini.mjs', scenario, { GEMINI_API_KEY: API_KEY });
  return { ...fixture, gemini: createGeminiCliAdapter({ ...fixture.options, model: 'gemini-2.5-pro', ...overrides }) };
}

describe('Gemini CLI adapter', () => {
  it('runs gemini -p with stream-json and reports usage, turns and files from the events', async () => {
    const worktree = await scratch.worktree();
    const { gemini, recorded } = adapter('success');
    const { context, progress } = collectingContext();
    const outcome = await gemini.run(agentRequest(worktree), context);

    expect(outcome).toMatchObject({
      status: 'completed',
      summary: 'Added src/greeting.txt.',
      usage: { inputTokens: 4_200, outputTokens: 310 },
    });
    expect(outcome.filesTouched).toEqual(['src/greeting.txt']);
    expect(await readFile(path.join(worktree, 'src/greeting.txt'), 'utf8')).toBe('hello\n');

    const { argv, cwd, prompt, via } = recorded();
    expect(cwd).toBe(worktree);
    expect(via).toBe('argv');
    expect(argv).toEqual([
      '-p',
      prompt,
      '--output-format',
      'stream-json',
      '--approval-mode',
      'yolo',
      '--skip-trust',
      '--model',
      'gemini-2.5-pro',
    ]);

    // Delta chunks of one assistant message become one transcript entry and one turn.
    expect(outcome.transcript).toContain('[assistant] I will add the file.');
    expect(outcome.transcript).toContain('[tool result error] Error: tests failed');
    expect(progress.at(-1)).toMatchObject({ turn: 2, filesTouched: 1 });
  });

  it('sees only allowlisted variables, and the key is redacted', async () => {
    const outcome = await adapter('env').gemini.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome.summary).toBe('secret=absent key=[redacted]');
    expect(outcome.transcript).not.toContain(API_KEY);
    expect(outcome.transcript).not.toContain(TEST_SECRET);
  });

  it('fails on a result with status error, naming the error', async () => {
    const outcome = await adapter('error').gemini.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: 'gemini-cli failed after 1 turn(s): FatalTurnLimitedError: Reached max session turns',
      usage: { inputTokens: 900, outputTokens: 40 },
    });
    expect(outcome.transcript).toContain('[warning] Loop detected, stopping');
  });

  it('explains documented exit codes when no result event came', async () => {
    const outcome = await adapter('turn-limit-exit').gemini.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: 'gemini-cli reached its turn limit without a result event (after 0 turn(s))',
    });
  });

  it('skips a plain-text line among the events', async () => {
    const outcome = await adapter('malformed').gemini.run(
      agentRequest(await scratch.worktree()),
      collectingContext().context,
    );
    expect(outcome).toMatchObject({ status: 'completed', summary: 'Fine. (1 unreadable output line(s) skipped)' });
    expect(outcome.transcript).toContain('[unreadable output line] Loaded cached credentials.');
  });

  it('kills the process group on cancel', async () => {
    const { gemini, pidFile } = adapter('hang');
    const controller = new AbortController();
    const running = gemini.run(agentRequest(await scratch.worktree()), collectingContext(controller.signal).context);
    const pids = await readPids(pidFile);
    controller.abort(new Error('cancelled'));
    await expect(running).rejects.toThrow('cancelled');
    await expectGone(pids.cli);
    await expectGone(pids.grandchild);
  });
});

describe('Gemini CLI adapter: what the real CLI showed', () => {
  it('trusts the worktree for this run only, selects the auth type in a generated home, and passes the base URL', async () => {
    const { gemini, recorded } = adapter('success', { baseUrl: 'http://gateway.internal:8080' });
    await gemini.run(agentRequest(await scratch.worktree()), collectingContext().context);
    const { argv, env } = recorded() as unknown as { argv: string[]; env: Record<string, string | null> };
    expect(argv).toContain('--skip-trust');
    expect(argv.slice(argv.indexOf('--approval-mode'), argv.indexOf('--approval-mode') + 2)).toEqual([
      '--approval-mode',
      'yolo',
    ]);
    expect(env.GOOGLE_GEMINI_BASE_URL).toBe('http://gateway.internal:8080');
    expect(env.GEMINI_CLI_HOME).not.toBe(process.env.HOME);
    expect(JSON.parse(env.geminiSettings!)).toMatchObject({ security: { auth: { selectedType: 'gemini-api-key' } } });
    // Folder trust is never switched off in the settings, for this or any other folder.
    expect(env.geminiSettings).not.toMatch(/folderTrust|trustedFolders/);
  });
});
