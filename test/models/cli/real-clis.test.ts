import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClaudeCodeAdapter,
  createCodexAdapter,
  createGeminiCliAdapter,
  type CliAdapterOptions,
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
  await git(fixture.worktree, ['reset', '--quiet', '--hard']);
  await git(fixture.worktree, ['clean', '-fdq']);
  const { context, progress } = collectingContext();
  const sandbox = await fixture.sandboxOf('bubblewrap', { network: true });
  const outcome = await adapter.run(agentRequest(fixture.worktree), { ...context, sandbox });
  return { outcome, progress };
}

const sourceEnv = () => ({ ...fixture.sourceEnv, ...KEYS, SWARM_TEST_SECRET: SECRET });

const cases: {
  name: string;
  server: (s: AgentScript) => Promise<ProviderServer>;
  adapter: (url: string, more?: Partial<CliAdapterOptions>) => CliModelAdapter;
}[] = [
  {
    name: 'claude-code',
    server: anthropicServer,
    adapter: (url, more) =>
      createClaudeCodeAdapter({
        binary: agentCli('claude-code'),
        baseUrl: url,
        sourceEnv: sourceEnv(),
        passEnv: ['ANTHROPIC_API_KEY'],
        ...more,
      }),
  },
  {
    name: 'codex',
    server: openAiResponsesServer,
    adapter: (url, more) =>
      createCodexAdapter({
        binary: agentCli('codex'),
        baseUrl: `${url}/v1`,
        sourceEnv: sourceEnv(),
        passEnv: ['OPENAI_API_KEY'],
        ...more,
      }),
  },
  {
    name: 'gemini-cli',
    server: geminiServer,
    adapter: (url, more) =>
      createGeminiCliAdapter({
        binary: agentCli('gemini-cli'),
        baseUrl: url,
        sourceEnv: sourceEnv(),
        passEnv: ['GEMINI_API_KEY'],
        ...more,
      }),
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
      console.log(
        name,
        server.requests.map((r) => `${r.method} ${r.path} ${r.key}`),
      );
    } finally {
      await server.close();
    }
  });

  it('fails at once, as an authentication failure, when the provider answers 401', async () => {
    const server = await startServer(script);
    server.rejectAll();
    try {
      const started = Date.now();
      const { outcome } = await run(adapter(server.url, { stallTimeoutMs: 20_000 }));
      console.log(name, 'AUTH', Date.now() - started, outcome.summary, outcome.authFailure);
      console.log(outcome.transcript.slice(0, 3000));
      expect(outcome.status).toBe('failed');
      expect(outcome.authFailure).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('is stopped by the stall rule when the provider is unreachable, with the cause', async () => {
    const server = await startServer(script);
    const url = server.url;
    await server.close();
    const started = Date.now();
    const { outcome } = await run(adapter(url, { stallTimeoutMs: 4_000 }));
    console.log(name, 'STALL', Date.now() - started, outcome.summary);
    console.log(outcome.transcript.slice(0, 3000));
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toContain('made no progress for 4 s');
  });
});
