import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Store } from '../../db/index.js';
import type { NewTask } from '../../db/tasks-repository.js';
import { DataBranchInputError, DataBranchMergeConflictError } from '../../data-branches/errors.js';
import { openMemory } from '../../memory/open-memory.js';
import { openBranchFixture, type Backend, type BranchFixture } from './branch-env.js';

const newTask = (id: string): NewTask => ({
  id,
  title: `Task ${id}`,
  description: 'do it',
  priority: 'medium',
  skills: ['typescript'],
  acceptanceCriteria: [],
  repo: '/tmp/repo',
  baseBranch: 'main',
  branch: `swarm/${id}`,
  modelType: 'local',
  maxAttempts: 3,
  workflowId: `task-${id}`,
  budget: { maxTokens: null, maxCostUsd: null },
});

/** A finished task with one attempt and its result, written as the activities write them. */
async function finishedTask(store: Store, id: string): Promise<void> {
  await store.tasks.insert(newTask(id));
  await store.attempts.start({ taskId: id, attempt: 1, modelType: 'local', agentId: 'a1', feedbackArtifactId: null });
  await store.tasks.setStatus(id, 'succeeded');
  await store.results.recordOnce({
    taskId: id,
    status: 'succeeded',
    attempts: 1,
    branch: `swarm/${id}`,
    mergeCommit: 'abc123',
    summary: 'done',
    failureReason: null,
    agentId: 'a1',
  });
}

const count = async (store: Store, sql: string, args: Array<string | number> = []) =>
  Number((await store.db.execute({ sql, args })).rows[0]!.n);

const snapshot = async (store: Store) => {
  const tables = ['tasks', 'attempts', 'results', 'memories', 'quality_snapshots', 'quality_baselines'];
  const out: Record<string, unknown> = {};
  for (const t of tables)
    out[t] = (await store.db.execute(`SELECT * FROM ${t} ORDER BY 1, 2`)).rows.map((r) => ({ ...r }));
  return JSON.stringify(out, (_k, v: unknown) => (v instanceof ArrayBuffer ? Buffer.from(v).toString('hex') : v));
};

const metrics = { checks: [], passed: true } as never;

describe.each<Backend>(['file', 'sqld'])('data branches on the %s backend', (backend) => {
  let fx: BranchFixture;
  beforeAll(async () => {
    fx = await openBranchFixture(backend);
  });
  afterAll(() => fx?.close());

  it('isolates a branch, merges its records and memories into main exactly once, and deletes it', async () => {
    const { main, branches, stores, config, env } = fx;
    const mainMemory = await openMemory(config, main, env);
    await finishedTask(main, 'before-fork');
    await mainMemory.store({ content: 'Run the linter before committing', type: 'learning', tags: ['lint'] });

    const created = await branches.create('experiment');
    expect(created).toMatchObject({
      name: 'experiment',
      parent: 'main',
      backend: backend === 'file' ? 'file' : 'sqld',
    });
    await expect(branches.create('experiment')).rejects.toThrow(DataBranchInputError);
    const branch = await stores.forBranch('experiment');
    const branchMemory = await openMemory(config, branch, env);
    // The fork holds main's data as it was.
    expect(await branch.tasks.get('before-fork')).toBeDefined();

    await finishedTask(branch, 'on-branch');
    await stores.registry.routeTask('on-branch', 'experiment');
    await branchMemory.store({ content: 'The flaky test needs a fixed seed', type: 'error_pattern', tags: ['tests'] });
    // The same lesson learnt on both sides after the fork: after the merge main holds it once.
    await mainMemory.store({ content: 'Use --frozen-lockfile in CI', type: 'solution_pattern', tags: ['ci'] });
    await branchMemory.store({ content: 'Use --frozen-lockfile in CI', type: 'solution_pattern', tags: ['install'] });
    await branch.quality.setBaseline({ repo: '/tmp/repo', branch: 'main', commitSha: 'c1', snapshot: metrics });

    expect(await main.tasks.get('on-branch')).toBeUndefined();
    expect(await count(main, "SELECT count(*) AS n FROM memories WHERE content LIKE '%flaky test%'")).toBe(0);
    expect(await stores.forTask('on-branch')).toBe(branch);
    expect(await stores.forTask('before-fork')).toBe(main);

    const report = await branches.merge('experiment');
    expect(report.tasks).toEqual(['on-branch']);
    expect(report.tables.tasks).toEqual({ inserted: 1, updated: 0 });
    expect(report.tables.attempts).toEqual({ inserted: 1, updated: 0 });
    expect(report.tables.results).toEqual({ inserted: 1, updated: 0 });
    expect(report.memories).toEqual({ inserted: 1, folded: 1, updated: 0 });
    expect((await main.tasks.get('on-branch'))?.status).toBe('succeeded');
    expect(await main.results.count('on-branch')).toBe(1);
    expect(await count(main, "SELECT count(*) AS n FROM memories WHERE content LIKE '%flaky test%'")).toBe(1);
    const lockfile = await main.db.execute("SELECT tags FROM memories WHERE content = 'Use --frozen-lockfile in CI'");
    expect(lockfile.rows).toHaveLength(1);
    expect(JSON.parse(String(lockfile.rows[0]!.tags))).toEqual(['ci', 'install']);
    expect(await main.quality.getBaseline('/tmp/repo', 'main')).not.toBeNull();
    // The task's records are now looked up in main.
    expect(await stores.forTask('on-branch')).toBe(main);

    const before = await snapshot(main);
    const again = await branches.merge('experiment');
    expect(again.unchanged).toBe(true);
    expect(await snapshot(main)).toBe(before);

    const location = (await branches.show('experiment')).location;
    await branches.delete('experiment');
    expect(await branches.list()).toEqual([]);
    if (backend === 'file') expect(existsSync(location.path!)).toBe(false);
    else {
      const config = await fetch(`${inject('namespacedSqld').adminUrl}/v1/namespaces/${location.namespace}/config`);
      expect(config.status).toBe(404);
    }
    await expect(branches.show('experiment')).rejects.toThrow(/no data branch "experiment"/);
  });

  it('stops a merge that breaks a constraint of the target, with nothing merged', async () => {
    const { main, branches, stores } = fx;
    await branches.create('conflicting');
    const branch = await stores.forBranch('conflicting');
    await finishedTask(branch, 'good-task');
    await finishedTask(branch, 'bad-task');
    await main.db.execute(`CREATE TRIGGER refuse_bad BEFORE INSERT ON results WHEN NEW.task_id = 'bad-task'
      BEGIN SELECT RAISE(ABORT, 'results of bad-task are refused'); END`);
    const before = await snapshot(main);
    const merging = branches.merge('conflicting');
    await expect(merging).rejects.toThrow(DataBranchMergeConflictError);
    await expect(merging).rejects.toThrow(/results \["bad-task"\].*refused.*nothing was merged/);
    expect(await snapshot(main)).toBe(before);
    expect(await main.tasks.get('good-task')).toBeUndefined();
    await main.db.execute('DROP TRIGGER refuse_bad');
    await branches.delete('conflicting');
  });

  it('refuses bad names, unknown branches and merging into itself, naming the problem', async () => {
    const { branches } = fx;
    await expect(branches.create('Bad Name')).rejects.toThrow(/lowercase letters, digits and dashes/);
    await expect(branches.create('main')).rejects.toThrow(/"main" is the main data/);
    await expect(branches.create('x', { from: 'nope' })).rejects.toThrow(/no data branch "nope"/);
    await expect(branches.merge('nope')).rejects.toThrow(/no data branch "nope"/);
    await branches.create('self');
    await expect(branches.merge('self', { into: 'self' })).rejects.toThrow(/into itself/);
    await branches.delete('self');
  });
});
