import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentTurn } from '../../db/agent-turns-repository.js';
import type { BranchRecord } from '../../db/branches-repository.js';
import { QUEUE_ROUND_BASE } from '../../activities/merge-queue-activities.js';
import { git } from '../../workspace/git.js';
import { failOnce } from '../helpers/fault-injection.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

/** Three turns that each append one line, then the model finishes on turn 4. */
const THREE_STEPS = [
  'Append three steps.',
  ...[1, 2, 3].map((n) => '```run\necho step ' + n + ' >> steps.txt\n```'),
].join('\n\n');

describe('exactly-once effects when a step fails after its effect, on real Temporal', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const result = (workflowId: string) => stack.testEnv.client.workflow.getHandle(workflowId).result();
  /** The subjects of the task branch's commits since `base`, oldest first. */
  const branchSubjects = async (repo: string, base: string, branch: string) =>
    (await git(repo, ['log', '--reverse', '--format=%s', `${base}..${branch}`])).split('\n').filter(Boolean);

  it('runs each turn once in the merged tree when the database write after a checkpoint commit fails, or its completion is lost', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('once-turn'), 'repo'), nodeProjectFiles());
    const base = await git(repo, ['rev-parse', 'main']);
    // Turn 2: the commit is made, the row's write fails. Turn 3: the row is written, then the try fails anyway.
    const fired: string[] = [];
    let store = failOnce(stack.store, 'agentTurns', 'save', (t: AgentTurn) => t.turn === 2, 'before', fired);
    store = failOnce(store, 'agentTurns', 'save', (t: AgentTurn) => t.turn === 3, 'after', fired);
    const worker = await stack.createWorker('local', { store });
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({ title: 'Three steps', description: THREE_STEPS, repo });
      await result(task.workflowId);
      return task;
    });

    expect(fired).toEqual(['agentTurns.save', 'agentTurns.save']);
    expect(await git(repo, ['show', 'main:steps.txt'])).toBe('step 1\nstep 2\nstep 3');
    expect(await branchSubjects(repo, base, task.branch)).toEqual(
      [1, 2, 3].map((turn) => `swarm(${task.id}): attempt 1, turn ${turn}`),
    );
    // Turn 2's model call was made (and paid) again by its second try; turn 3's stored result was returned, not recomputed.
    const calls = (await stack.store.modelCalls.listForTask(task.id)).map((c) => `${c.turn}.${c.try}`);
    expect(calls).toEqual(['1.1', '2.1', '2.2', '3.1', '4.1']);
    expect((await stack.store.agentTurns.list(task.id, 1)).map((t) => t.turn)).toEqual([0, 1, 2, 3, 4]);
    expect(await stack.store.results.get(task.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('runs each check once and lands once when the completions of the checks and of the landing are lost', async () => {
    const dir = tempDir('once-checks');
    const log = path.join(dir, 'checks.log');
    // Says whether it checks the base (baseline) or the agent's work (which has steps.txt).
    const check = `if [ -f steps.txt ]; then echo attempt >> ${log}; else echo baseline >> ${log}; fi`;
    const repo = await createFixtureRepo(
      path.join(dir, 'repo'),
      nodeProjectFiles({ '.swarm.json': JSON.stringify({ checks: { count: check } }) }),
    );
    const fired: string[] = [];
    let store = failOnce(stack.store, 'attempts', 'finishChecks', () => true, 'after', fired);
    store = failOnce(
      store,
      'branches',
      'upsert',
      (b: Omit<BranchRecord, 'updatedAt'>) => b.status === 'merged',
      'after',
      fired,
    );
    // The check logs each run to a file outside the worktree, which only an unconfined check can write.
    const worker = await stack.createWorker('local', { store, unconfined: true });
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({ title: 'Checked once', description: THREE_STEPS, repo });
      await result(task.workflowId);
      return task;
    });

    expect(fired).toEqual(['attempts.finishChecks', 'branches.upsert']);
    // The task's gate once, and the merge queue's gate on the combined commit once: neither repeated by the retries.
    expect(readFileSync(log, 'utf8')).toBe('baseline\nattempt\nattempt\n');
    const runs = await stack.store.checkRuns.list(task.id);
    expect(runs.map((r) => [r.attempt, r.round >= QUEUE_ROUND_BASE ? 'queue' : r.round, r.name])).toEqual([
      [1, 1, 'count'],
      [1, 'queue', 'count'],
    ]);
    expect(await git(repo, ['rev-list', '--count', '--merges', 'main'])).toBe('1');
    const merged = await stack.store.results.get(task.id);
    expect(merged).toMatchObject({ status: 'succeeded', mergeCommit: await git(repo, ['rev-parse', 'main']) });
    expect(await git(repo, ['show', 'main:steps.txt'])).toBe('step 1\nstep 2\nstep 3');
  });
});
