import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClaudeCodeAdapter,
  createCodexAdapter,
  createGeminiCliAdapter,
  type CliModelAdapter,
} from '../../../models/cli/index.js';
import { git } from '../../../workspace/git.js';
import { agentCli } from '../../helpers/agent-clis.js';
import {
  anthropicServer,
  geminiServer,
  openAiResponsesServer,
  SCRIPTED_USAGE,
  type AgentScript,
  type ProviderServer,
} from '../../helpers/provider-servers.js';
import { createSandboxFixture, SECRET, type SandboxFixture } from '../../helpers/sandbox-fixture.js';
import { tempDir } from '../../helpers/test-env.js';
import { agentRequest, collectingContext } from './cli-test-kit.js';

/** The real CLIs, in the bubblewrap sandbox with the network, against local servers speaking their provider's wire format. */
const script: AgentScript = {
  file: 'notes/hello.txt',
  content: 'hello from the agent\n',
  command: 'cat notes/hello.txt',
  finalText: 'Wrote notes/hello.txt and checked it.',
};
const KEYS = { ANTHROPIC_API_KEY: 'sk-ant-api03-real-cli-key-0123456789', OPENAI_API_KEY: 'sk-proj-real-cli-key-0123456789', GEMINI_API_KEY: 'AIzaSyRealCliKey0123456789abcdefghijk' };

let fixture: SandboxFixture;
beforeAll(async () => {
  fixture = await createSandboxFixture(tempDir('real-clis'));
});
afterAll(() => {
  if (fixture) rmSync(fixture.root, { recursive: true, force: true });
});

async function run(adapter: CliModelAdapter) {
  await git(fixture.worktree, ['reset', '--quiet', '--hard']);
  await git(fixture.worktree, ['clean', '-fdq']);
  const { context, progress } = collectingContext();
  const sandbox = await fixture.sandboxOf('bubblewrap', { network: true });
  const outcome = await adapter.run(agentRequest(fixture.worktree), { ...context, sandbox });
  return { outcome, progress };
}

const sourceEnv = () => ({ ...fixture.sourceEnv, ...KEYS, SWARM_TEST_SECRET: SECRET });

const cases: { name: string; server: (s: AgentScript) => Promise<ProviderServer>; adapter: (url: string) => CliModelAdapter }[] = [
  {
    name: 'claude-code',
    server: anthropicServer,
    adapter: (url) => createClaudeCodeAdapter({ binary: agentCli('claude-code'), baseUrl: url, sourceEnv: sourceEnv(), passEnv: ['ANTHROPIC_API_KEY'] }),
  },
  {
    name: 'codex',
    server: openAiResponsesServer,
    adapter: (url) => createCodexAdapter({ binary: agentCli('codex'), baseUrl: `${url}/v1`, sourceEnv: sourceEnv(), passEnv: ['OPENAI_API_KEY'] }),
  },
  {
    name: 'gemini-cli',
    server: geminiServer,
    adapter: (url) => createGeminiCliAdapter({ binary: agentCli('gemini-cli'), baseUrl: url, sourceEnv: sourceEnv(), passEnv: ['GEMINI_API_KEY'] }),
  },
];

describe.each(cases)('the real $name in the sandbox', ({ name, server: startServer, adapter }) => {
  it('makes the scripted edit, runs the command, and reports tokens, turns and files', async () => {
    const server = await startServer(script);
    try {
      const { outcome, progress } = await run(adapter(server.url));
      console.log(outcome.summary, outcome.usage, outcome.model, outcome.costUsd);
      console.log(outcome.transcript.slice(0, 4000));
      expect(outcome.status, outcome.summary).toBe('completed');
      expect(readFileSync(path.join(fixture.worktree, script.file), 'utf8')).toBe(script.content);
      expect(outcome.filesTouched).toEqual([script.file]);
      expect(outcome.transcript).toContain('hello from the agent');
      expect(outcome.usage.inputTokens).toBeGreaterThanOrEqual(3 * SCRIPTED_USAGE.input);
      expect(progress.length).toBeGreaterThan(0);
      expect(server.requests.length).toBeGreaterThan(0);
      console.log(name, server.requests.map((r) => `${r.method} ${r.path} ${r.key}`));
    } finally {
      await server.close();
    }
  });
});
