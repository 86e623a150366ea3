import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExampleRepo } from '../../client/example/create-example-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs one of client/examples/ as a user would, in its own process, against the stack's servers and database. */
function runExample(stack: TestStack, name: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/run-ts.js', `client/examples/${name}`, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...stack.env, SWARM_SANDBOX: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('the programmatic API examples (client/examples/), run against the real stack', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('submits three tasks and watches them to the end, then searches memories and prints the quality trend', async () => {
    const repo = await createExampleRepo(path.join(tempDir('examples'), 'repo'));
    const worker = await stack.createWorker('local', { unconfined: true });
    const submitted = await worker.runUntil(runExample(stack, 'submit-and-watch.ts', [repo]));
    expect(submitted.code, submitted.out).toBe(0);
    const finished = [...submitted.out.matchAll(/^(\S+) finished: (\w+)$/gm)];
    expect(finished.map((m) => m[2])).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (const [, id] of finished) {
      // Each task's changes were watched in order, ending with its success.
      const watched = submitted.out.split('\n').filter((line) => line.startsWith(`${id} Add`));
      expect(watched[0]).toMatch(/: queued$|: preparing|: running/);
      expect(watched.at(-1)).toMatch(/: succeeded/);
      expect((await stack.store.tasks.get(id!))?.status).toBe('succeeded');
    }

    const searched = await runExample(stack, 'memories-and-quality.ts', [repo, 'main']);
    expect(searched.code, searched.out).toBe(0);
    expect(searched.out).toMatch(/^\d+ memories:/m);
    const trend = searched.out.split('quality of main:\n')[1]!.trim().split('\n');
    expect(trend.length).toBeGreaterThan(0);
    expect(trend[0]).toMatch(/baseline [0-9a-f]{8} .*test pass/);
  });
});
