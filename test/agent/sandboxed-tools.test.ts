import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalChatModel } from '../../models/local/local-chat-model.js';
import { createAgentToolbox } from '../../agent/tools/index.js';
import { createSandboxFixture, SECRET, type SandboxFixture } from '../helpers/sandbox-fixture.js';
import { tempDir } from '../helpers/test-env.js';

let fixture: SandboxFixture;
let server: Server;
let port: number;

beforeAll(async () => {
  fixture = await createSandboxFixture(tempDir('sandboxed-tools'));
  server = createServer((socket) => socket.end('host service\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (fixture) rmSync(fixture.root, { recursive: true, force: true });
});

describe('run_command in the task sandbox', () => {
  it('sees neither the worker’s env nor the host network, and keeps /tmp to itself', async () => {
    const sandbox = await fixture.sandboxOf('bubblewrap');
    const tools = createAgentToolbox({ worktree: fixture.worktree, sandbox });
    const name = `run-command-${process.pid}`;
    const outcome = await tools.execute('run_command', {
      command: [
        'echo "key=[$OPENAI_API_KEY]"',
        'cat /proc/$PPID/environ',
        `echo scratch > /tmp/${name}`,
        `node -e "require('net').connect(${port}, '127.0.0.1').on('data', () => console.log('reached')).on('error', (e) => console.log(e.code))"`,
      ].join('; '),
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.output).toContain('key=[]');
    expect(outcome.output).not.toContain(SECRET);
    expect(outcome.output).toContain('ECONNREFUSED');
    expect(existsSync(path.join(tmpdir(), name))).toBe(false);
    expect(existsSync(path.join(sandbox.scratchDir, name))).toBe(true);
  });

  it('is where the local model’s `run` steps go: they become run_command calls', async () => {
    const model = createLocalChatModel();
    const response = await model.step({
      system: '',
      messages: [{ role: 'user', text: 'Attempt 1 of 1\n## Description\n```run\ncat /proc/1/environ\n```\n' }],
      tools: [],
      signal: new AbortController().signal,
    });
    expect(response.toolCalls).toEqual([
      expect.objectContaining({ name: 'run_command', input: { command: 'cat /proc/1/environ' } }),
    ]);
    const tools = createAgentToolbox({ worktree: fixture.worktree, sandbox: await fixture.sandboxOf('bubblewrap') });
    const outcome = await tools.execute('run_command', response.toolCalls[0]!.input);
    expect(outcome.output).toContain('CI=true');
    expect(outcome.output).not.toContain(SECRET);
  });
});
