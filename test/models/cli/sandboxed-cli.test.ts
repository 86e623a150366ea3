import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliUnavailableError, createClaudeCodeAdapter, createCommandAdapter } from '../../../models/cli/index.js';
import { createSandboxFixture, SECRET, type SandboxFixture } from '../../helpers/sandbox-fixture.js';
import { tempDir } from '../../helpers/test-env.js';
import { agentRequest, collectingContext, FIXTURES } from './cli-test-kit.js';

const API_KEY = 'sk-ant-api03-fixture-key-0123456789';
let fixture: SandboxFixture;
let server: Server;
let port: number;

beforeAll(async () => {
  fixture = await createSandboxFixture(tempDir('sandboxed-cli'));
  server = createServer((socket) => socket.end('api\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (fixture) rmSync(fixture.root, { recursive: true, force: true });
});

/** The worker's env: the CLI's key, another provider's key and a database token. */
const sourceEnv = () => ({ ...fixture.sourceEnv, ANTHROPIC_API_KEY: API_KEY, TURSO_AUTH_TOKEN: 'libsql-token-that-must-stay-home' });

async function sandboxedContext() {
  const { context } = collectingContext();
  return { ...context, sandbox: await fixture.sandboxOf('bubblewrap', { network: true }) };
}

describe('a coding-agent CLI in the sandbox', () => {
  it('gets its own key and the network, writes the worktree, and sees nothing else of the worker', async () => {
    const reveal = [
      `node -e "require('net').connect(${port}, '127.0.0.1').on('data', (d) => console.log('network: ' + d))"`,
      'tr "\\0" "\\n" < /proc/$PPID/environ',
      'env',
      'echo work > done.txt',
      `echo owned > ${fixture.repo}/owned.txt`,
    ].join('; ');
    const adapter = createCommandAdapter({ command: `${reveal}; true`, promptVia: 'file', sourceEnv: sourceEnv(), passEnv: ['ANTHROPIC_API_KEY'] });
    const outcome = await adapter.run(agentRequest(fixture.worktree), await sandboxedContext());

    expect(outcome.status).toBe('completed');
    expect(outcome.transcript).toContain('network: api');
    expect(outcome.transcript).toContain('ANTHROPIC_API_KEY=[redacted]');
    expect(outcome.transcript).not.toContain(SECRET);
    expect(outcome.transcript).not.toContain('libsql-token-that-must-stay-home');
    expect(outcome.filesTouched).toEqual(['done.txt']);
    expect(existsSync(path.join(fixture.repo, 'owned.txt'))).toBe(false);
    rmSync(path.join(fixture.worktree, 'done.txt'));
  });

  it('reads the prompt file the worker wrote for it', async () => {
    const adapter = createCommandAdapter({ command: 'cat {prompt_file}', promptVia: 'file', sourceEnv: sourceEnv() });
    const outcome = await adapter.run(agentRequest(fixture.worktree, 'Add a sandboxed greeting.'), await sandboxedContext());
    expect(outcome.status).toBe('completed');
    expect(outcome.transcript).toContain('Add a sandboxed greeting.');
  });

  it('runs Claude Code’s event stream as before, with its key and without the worker’s secrets', async () => {
    const claude = createClaudeCodeAdapter({
      binary: path.join(FIXTURES, 'fake-claude.mjs'),
      sourceEnv: { ...sourceEnv(), SWARM_TEST_SECRET: SECRET, FAKE_CLI_SCENARIO: 'env' },
      passEnv: ['FAKE_CLI_SCENARIO'],
    });
    const outcome = await claude.run(agentRequest(fixture.worktree), await sandboxedContext());
    expect(outcome.status).toBe('completed');
    expect(outcome.transcript).toContain('secret=absent key=[redacted] path=yes');
  });

  it('is reported unavailable when its binary does not exist', async () => {
    const claude = createClaudeCodeAdapter({ binary: path.join(fixture.root, 'no-such-claude'), sourceEnv: sourceEnv() });
    await expect(claude.run(agentRequest(fixture.worktree), await sandboxedContext())).rejects.toThrow(CliUnavailableError);
  });
});
