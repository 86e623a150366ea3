import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createBareRepo, startGitServer, type GitServer } from '../helpers/git-server.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

const run = promisify(execFile);
const onServer = async (bare: string, args: string[]) =>
  (await run('git', args, { cwd: bare, env: { PATH: process.env.PATH!, HOME: bare } })).stdout.trim();

/** Many tasks at once on one base branch of a remote: one worker's mirror shared by all, landing through the queue. */
describe('many tasks by URL on one branch', () => {
  let stack: TestStack;
  let server: GitServer;
  beforeAll(async () => {
    const dir = tempDir('remote-many');
    const configFile = path.join(dir, 'swarm.config.json');
    writeFileSync(configFile, JSON.stringify({ models: { local: { adapter: 'local', concurrency: 8 } } }));
    server = await startGitServer({ root: path.join(dir, 'srv') });
    stack = await createTestStack({ configFile, env: { SWARM_SANDBOX: 'none', SWARM_LANDING: 'queue' } });
  });
  afterAll(async () => {
    await stack?.teardown();
    await server?.close();
  });
  it('lands 8 concurrent tasks, each merge once on the remote main', async () => {
    const bare = await createBareRepo(server.root, 'many', nodeProjectFiles());
    const w1 = await stack.createWorker();
    const { tasks, outcomes: results } = await w1.runUntil(async () => {
      const tasks = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          stack.client.createTask({
            title: `Add f${i}`,
            description: writeBlock(`src/f${i}.js`, `export const f${i} = ${i};`),
            repo: server.url('many'),
          }),
        ),
      );
      const outcomes = await Promise.all(
        tasks.map((t) =>
          stack.testEnv.client.workflow
            .getHandle(t.workflowId)
            .result()
            .catch((e: unknown) => String(e)),
        ),
      );
      return { tasks, outcomes };
    });
    expect(results.map((r) => (r as { status?: string }).status ?? r)).toEqual(Array(8).fill('succeeded'));
    for (let i = 0; i < 8; i++)
      expect(await onServer(bare, ['show', `main:src/f${i}.js`])).toBe(`export const f${i} = ${i};`);
    const subjects = (await onServer(bare, ['log', '--first-parent', '--format=%s', 'main'])).split('\n');
    for (const t of tasks) expect(subjects.filter((s) => s.startsWith(`swarm: merge task ${t.id}:`))).toHaveLength(1);
  });
});
