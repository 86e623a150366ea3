import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanClient } from '../../client/plan-client.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { planGoal } from '../helpers/plan-goal.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));
const run = promisify(execFile);

describe('swarm plan and task --depends-on', () => {
  let stack: TestStack;
  let repo: string;
  beforeAll(async () => {
    stack = await createTestStack();
    repo = await createFixtureRepo(path.join(tempDir('plan-cli'), 'repo'), nodeProjectFiles());
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const swarm = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [SWARM_BIN, ...args], {
        env: { ...process.env, ...stack.env },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('creates a plan awaiting approval, shows its tree, lists it, and cancels it', async () => {
    const goal = planGoal([
      { key: 'base' },
      { key: 'left', dependsOn: ['base'] },
      { key: 'right', dependsOn: ['base'] },
    ]);
    const created = await swarm(['plan', 'create', '--goal', goal, '--repo', repo]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const id = /^Plan ([a-z0-9]+): awaiting_approval/.exec(created.stdout)![1]!;
    // Dependents are indented under the level of their dependency and name it.
    expect(created.stdout).toMatch(/\n {4}base {4,}queued .* Add base\n/);
    expect(created.stdout).toMatch(/\n {6}left {2,}blocked .* Add left {2}after base\n/);
    expect(created.stdout).toContain(`approve with: swarm plan approve ${id}`);
    expect((await swarm(['plan', 'list'])).stdout).toContain(id);

    const worker = await stack.createWorker();
    const plans = createPlanClient({ config: stack.config, store: stack.store, temporal: stack.testEnv.client });
    const plan = await worker.runUntil(async () => {
      const cancelled = await swarm(['plan', 'cancel', id]);
      expect(cancelled.stdout).toBe(`cancellation requested for plan ${id}\n`);
      return plans.waitForPlan(id);
    });
    expect(plan.status).toBe('cancelled');
    for (const t of await stack.store.tasks.listForPlan(id)) {
      expect((await stack.store.results.get(t.id))?.status).toBe('cancelled');
    }
    const again = await swarm(['plan', 'cancel', id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already finished (cancelled)');
  });

  it('refuses a cyclic plan and an unknown dependency with exit 2', async () => {
    const cyclic = planGoal([
      { key: 'a', dependsOn: ['b'] },
      { key: 'b', dependsOn: ['a'] },
    ]);
    const plan = await swarm(['plan', 'create', '--goal', cyclic, '--repo', repo]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('the dependencies form a cycle: a → b → a');
    const task = await swarm([
      'task',
      'create',
      '--title',
      't',
      '--description',
      'd',
      '--repo',
      repo,
      '--depends-on',
      'zzzzzz1234',
    ]);
    expect(task.code).toBe(2);
    expect(task.stderr).toContain('unknown dependency task id(s): zzzzzz1234');
  });
});
