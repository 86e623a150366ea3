import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, testProcessEnv } from '../helpers/test-env.js';
import { runCliCaptured } from '../helpers/captured-cli.js';

const home = tempDir('branch-cli');
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function swarm(args: string[]) {
  return runCliCaptured(args, testProcessEnv(home, { SWARM_EMBEDDING_DIMENSIONS: '64' }), home);
}

describe('swarm db branch and swarm sync, on a local database', () => {
  it('creates, lists, shows, merges and deletes a data branch, and refuses what it cannot do', async () => {
    expect(await swarm(['db', 'branch', 'list'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/no data branches/),
    });
    const created = await swarm(['db', 'branch', 'create', 'review', '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'review', parent: 'main', backend: 'file' });
    expect(await swarm(['db', 'branch', 'create', 'nested', '--from', 'review'])).toMatchObject({
      code: 0,
      stdout: 'created data branch nested from review (file)\n',
    });
    const listed = await swarm(['db', 'branch', 'list']);
    expect(listed.stdout).toMatch(/^review {2}from main {2}file/m);
    expect(listed.stdout).toMatch(/^nested {2}from review/m);
    expect((await swarm(['db', 'branch', 'show', 'review'])).stdout).toMatch(/holds: +0 tasks, 0 memories/);
    expect(await swarm(['db', 'branch', 'merge', 'nested', '--into', 'review'])).toMatchObject({
      code: 0,
      stdout: 'merged nested into review: nothing new (already merged)\n',
    });
    expect(await swarm(['db', 'branch', 'create', 'review'])).toMatchObject({
      code: 2,
      stderr: 'swarm: data branch "review" already exists\n',
    });
    expect((await swarm(['db', 'branch', 'create', 'No Way'])).code).toBe(2);
    expect(await swarm(['task', 'list', '--data-branch', 'missing'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no data branch "missing"/),
    });
    expect(await swarm(['db', 'branch', 'delete', 'nested'])).toMatchObject({
      code: 0,
      stdout: 'deleted data branch nested\n',
    });
    expect(await swarm(['db', 'branch', 'delete', 'review'])).toMatchObject({ code: 0 });
    expect((await swarm(['db', 'branch', 'list'])).stdout).toMatch(/no data branches/);
  });

  it('says a local database has nothing to sync', async () => {
    expect(await swarm(['sync', 'status'])).toMatchObject({
      code: 0,
      stdout: 'mode: local (one file, nothing to sync)\n',
    });
    const now = await swarm(['sync', 'now', '--json']);
    expect(JSON.parse(now.stdout)).toMatchObject({ mode: 'local', pendingChanges: 0 });
  });
});
