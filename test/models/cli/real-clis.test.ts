import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClaudeCodeAdapter,
  createCodexAdapter,
  createGeminiCliAdapter,
  type CliModelAdapter,
} from '../../../models/cli/index.js';
import { agentCli } from '../../helpers/agent-clis.js';
import {
  anthropicServer,
  geminiServer,
  openAiResponsesServer,
  type AgentScript,
} from '../../helpers/provider-servers.js';
import { createSandboxFixture, type SandboxFixture } from '../../helpers/sandbox-fixture.js';
import { tempDir } from '../../helpers/test-env.js';
import { agentRequest, collectingContext } from './cli-test-kit.js';

/**
 * The failure paths of the real CLIs that the whole-task tests (test/workflows/agent-clis.test.ts)
 * leave out, without Temporal: each in the bubblewrap sandbox with the network, against a local
 * server speaking its provider's wire format.
 */
const script: AgentScript = { file: 'a.txt', content: 'a\n', command: 'cat a.txt', finalText: 'done' };
const KEYS = {
  ANTHROPIC_API_KEY: 'sk-ant-api03-real-cli-key-0123456789',
  OPENAI_API_KEY: 'sk-proj-real-cli-key-0123456789',
  GEMINI_API_KEY: 'AIzaSyRealCliKey0123456789abcdefghijk',
};

let fixture: SandboxFixture;
beforeAll(async () => {
  fixture = await createSandboxFixture(tempDir('real-clis'));
});
afterAll(() => {
  if (fixture) rmSync(fixture.root, { recursive: true, force: true });
});

async function run(adapter: CliModelAdapter) {
  const { context } = collectingContext();
  const sandbox = await fixture.sandboxOf('bubblewrap', { network: true });
  const started = Date.now();
  const outcome = await adapter.run(agentRequest(fixture.worktree), { ...context, sandbox });
  return { outcome, ms: Date.now() - started };
}

const common = () => ({ sourceEnv: { ...fixture.sourceEnv, ...KEYS }, stallTimeoutMs: 30_000 });

describe('a provider that refuses the key (401)', () => {
  it.each([
    {
      name: 'codex',
      start: openAiResponsesServer,
      adapter: (url: string) => createCodexAdapter({ ...common(), binary: agentCli('codex'), baseUrl: `${url}/v1` }),
      says: /401 Unauthorized: Incorrect API key provided/,
    },
    {
      name: 'gemini-cli',
      start: geminiServer,
      adapter: (url: string) => createGeminiCliAdapter({ ...common(), binary: agentCli('gemini-cli'), baseUrl: url }),
      says: /API key not valid/,
    },
  ])('stops $name at its first refused request, as an authentication failure', async ({ start, adapter, says }) => {
    const server = await start(script);
    server.rejectAll();
    try {
      const { outcome, ms } = await run(adapter(server.url));
      expect(outcome.status).toBe('failed');
      expect(outcome.authFailure).toBe(true);
      expect(outcome.summary).toMatch(says);
      expect(outcome.summary).not.toContain(KEYS.OPENAI_API_KEY);
      // Codex would retry five times and Claude Code ten; the first refusal ends the run.
      expect(ms).toBeLessThan(25_000);
    } finally {
      await server.close();
    }
  });
});

describe('the stall rule on the real Claude Code', () => {
  it('stops it when its provider is unreachable: its API retries are no progress', async () => {
    const server = await anthropicServer(script);
    const url = server.url;
    await server.close();
    const adapter = createClaudeCodeAdapter({
      ...common(),
      binary: agentCli('claude-code'),
      baseUrl: url,
      stallTimeoutMs: 4_000,
    });
    const { outcome } = await run(adapter);
    expect(outcome.status).toBe('failed');
    expect(outcome.authFailure).toBeUndefined();
    expect(outcome.summary).toMatch(
      /^claude-code made no progress for 4 s and was stopped \(after 0 turn\(s\)\); last error: API request failed \(no response, \w+\); retry \d+ of 10$/,
    );
    expect(outcome.transcript).toContain('[system api_retry]');
  });
});
