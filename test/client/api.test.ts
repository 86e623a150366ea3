import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  DataBranchInputError,
  openSwarm,
  SwarmApiInputError,
  TaskInputError,
  type OpenSwarmOptions,
} from '../../client/api/index.js';
import { freshNamespace } from '../data-branches/branch-env.js';
import { startSqld, type SqldServer } from '../helpers/sqld.js';
import { tempDir } from '../helpers/test-env.js';

const servers: SqldServer[] = [];
afterAll(() => {
  for (const server of servers) server.process.kill('SIGKILL');
});

const modes: Array<[string, () => Promise<OpenSwarmOptions['database']>]> = [
  ['local', async () => ({ mode: 'local' })],
  ['remote', async () => ({ mode: 'remote', url: inject('namespacedSqld').url, namespace: await freshNamespace() })],
  [
    'replica',
    async () => {
      const server = await startSqld(tempDir('api-primary'));
      servers.push(server);
      return { mode: 'replica', url: server.url, syncIntervalSeconds: 60 };
    },
  ],
];

describe.each(modes)('openSwarm in %s mode', (mode, database) => {
  it('opens from a config object, stores and finds memories, lists tasks and reports its sync', async () => {
    const home = tempDir(`api-${mode}`);
    const swarm = await openSwarm({
      home,
      database: await database(),
      env: { SWARM_EMBEDDING_DIMENSIONS: '64' },
      cwd: home,
    });
    try {
      expect(swarm.config.database.mode).toBe(mode);
      const stored = await swarm.memories.store({ content: 'Run npm ci before the tests', type: 'learning' });
      const hits = await swarm.memories.vectorSearch({ text: 'run npm ci before the tests', limit: 3, threshold: 0.5 });
      expect(hits.map((h) => h.memory.id)).toEqual([stored.id]);
      expect(await swarm.tasks.list()).toEqual([]);
      const status = await swarm.sync.getStatus();
      expect(status).toMatchObject({ mode, pendingChanges: 0 });
      if (mode === 'replica') {
        const synced = await swarm.sync.syncNow();
        expect(synced.lastSyncAt).not.toBeNull();
        expect(synced.frameNo).toBeGreaterThan(0);
      }
    } finally {
      await swarm.close();
    }
  });
});

describe('the programmatic API at its boundary', () => {
  it('refuses bad input with typed errors naming the problem', async () => {
    const home = tempDir('api-errors');
    await expect(openSwarm({ home, database: { mode: 'cloud' } as never })).rejects.toThrow(SwarmApiInputError);
    const swarm = await openSwarm({ home, env: { SWARM_EMBEDDING_DIMENSIONS: '64' }, cwd: home });
    try {
      const badList = swarm.tasks.list({ limit: 0 });
      await expect(badList).rejects.toThrow(SwarmApiInputError);
      await expect(badList).rejects.toThrow('invalid task list query: limit: Too small');
      await expect(
        swarm.tasks.create({ title: 'x', description: 'y', repo: home, priority: 'urgent' }),
      ).rejects.toThrow(/invalid task: priority/);
      await expect(swarm.memories.vectorSearch({ embedding: [1, 2], limit: 500 })).rejects.toMatchObject({
        kind: 'input',
      });
      await expect(swarm.branches.merge('nope')).rejects.toThrow(DataBranchInputError);
      await expect(swarm.tasks.watch('missing').next()).rejects.toThrow(TaskInputError);
      await expect(swarm.quality.getBaseline({ repo: path.join(home, 'none') })).rejects.toThrow(TaskInputError);
    } finally {
      await swarm.close();
    }
  });
});
