import { existsSync, rmSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgentProcess } from '../../../models/cli/agent-process.js';
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
const sourceEnv = () => ({
  ...fixture.sourceEnv,
  ANTHROPIC_API_KEY: API_KEY,
  TURSO_AUTH_TOKEN: 'libsql-token-that-must-stay-home',
});

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
    const adapter = createCommandAdapter({
      command: `${reveal}; true`,
      promptVia: 'file',
      sourceEnv: sourceEnv(),
      passEnv: ['ANTHROPIC_API_KEY'],
    });
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
    const outcome = await adapter.run(
      agentRequest(fixture.worktree, 'Add a sandboxed greeting.'),
      await sandboxedContext(),
    );
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
    const claude = createClaudeCodeAdapter({
      binary: path.join(fixture.root, 'no-such-claude'),
      sourceEnv: sourceEnv(),
    });
    await expect(claude.run(agentRequest(fixture.worktree), await sandboxedContext())).rejects.toThrow(
      CliUnavailableError,
    );
  });
});

describe('a coding-agent CLI installed in a hidden directory', () => {
  it('runs from its real path, bound read-only, while the rest of that directory stays hidden', async () => {
    const toolHome = path.join(fixture.root, 'tool-home');
    await mkdir(path.join(toolHome, 'bin'), { recursive: true });
    await writeFile(path.join(toolHome, 'credentials'), 'token');
    await writeFile(
      path.join(toolHome, 'bin', 'my-cli'),
      `#!/bin/sh\necho "cli ran"; cat ${toolHome}/credentials; touch ${toolHome}/bin/x 2>/dev/null || echo "bin read-only"\n`,
    );
    await chmod(path.join(toolHome, 'bin', 'my-cli'), 0o755);
    const base = await fixture.sandboxOf('bubblewrap', { network: true });
    const sandbox = {
      ...base,
      hidden: [...base.hidden, toolHome],
      env: { ...base.env, PATH: `${toolHome}/bin:${base.env.PATH}` },
    };
    const lines: string[] = [];
    const exit = await runAgentProcess({
      command: 'my-cli',
      args: [],
      cwd: fixture.worktree,
      env: sandbox.env,
      sandbox,
      timeoutMs: 10_000,
      signal: new AbortController().signal,
      killGraceMs: 100,
      maxLineBytes: 4096,
      stderrLimitBytes: 4096,
      onLine: (line) => lines.push(line),
    });
    expect(exit.exitCode).toBe(0);
    expect(lines).toEqual(['cli ran', 'bin read-only']);
    expect(exit.stderr).toContain('No such file');
  });
});
