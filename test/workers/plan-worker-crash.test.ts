import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanClient, type PlanClient } from '../../client/plan-client.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';
import { planGoal } from '../helpers/plan-goal.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));

describe('a plan whose worker is SIGKILLed', () => {
  let stack: TestStack;
  let plans: PlanClient;
  beforeAll(async () => {
    stack = await createTestStack({ env: { SWARM_SANDBOX: 'none' } });
    plans = createPlanClient({
      config: stack.config,
      store: stack.store,
      temporal: stack.testEnv.client,
      env: stack.env,
    });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  it('goes on under another worker and runs every task exactly once', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('plan-crash'), 'repo'), nodeProjectFiles());
    const goal = planGoal([{ key: 'one' }, { key: 'two', dependsOn: ['one'] }, { key: 'three', dependsOn: ['two'] }]);
    const first = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      env: { ...process.env, ...stack.env },
      stdio: 'ignore',
    });
    try {
      const created = await plans.createPlan({ goal, repo, parallel: 1, autoApprove: true });
      const [one] = created.tasks;
      // Killed once the plan is under way: its first task has landed, the rest not yet.
      await expect
        .poll(async () => (await stack.store.tasks.get(one!.id))?.status, { timeout: 120_000, interval: 200 })
        .toBe('succeeded');
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));

      const second = await stack.createWorker();
      const plan = await second.runUntil(() => plans.waitForPlan(created.plan.id));
      expect(plan.status).toBe('succeeded');
      for (const t of created.tasks) {
        expect(await stack.store.results.count(t.id)).toBe(1);
        expect((await stack.store.results.get(t.id))?.status).toBe('succeeded');
      }
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
    }
  });
});
