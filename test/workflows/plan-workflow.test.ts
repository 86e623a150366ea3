import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanClient, type PlanClient } from '../../client/plan-client.js';
import { planProgressQuery } from '../../workflows/plan-workflow.js';
import { JetpackPlan } from '../../workflows/search-attributes.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { planGoal } from '../helpers/plan-goal.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

describe('plans on a real Temporal server', () => {
  let stack: TestStack;
  let plans: PlanClient;
  beforeAll(async () => {
    stack = await createTestStack();
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
  const newRepo = (name: string) => createFixtureRepo(path.join(tempDir(name), 'repo'), nodeProjectFiles());

  it('lands a diamond of six tasks in a valid order, running parallel branches at the same time', async () => {
    const repo = await newRepo('plan-diamond');
    const goal = planGoal([
      { key: 'base' },
      { key: 'left', dependsOn: ['base'] },
      { key: 'right', dependsOn: ['base'] },
      { key: 'join', dependsOn: ['left', 'right'] },
      { key: 'after', dependsOn: ['join'] },
      { key: 'aside', priority: 'low' },
    ]);
    const created = await plans.createPlan({ goal, repo, parallel: 3, autoApprove: true });
    expect(created.tasks.map((t) => t.planKey)).toEqual(['base', 'left', 'right', 'join', 'after', 'aside']);
    const worker = await stack.createWorker();
    const plan = await worker.runUntil(() => plans.waitForPlan(created.plan.id));
    expect(plan.status).toBe('succeeded');

    const tasks = await stack.store.tasks.listForPlan(plan.id);
    const byKey = new Map(tasks.map((t) => [t.planKey!, t]));
    const merge = async (key: string) => (await stack.store.results.get(byKey.get(key)!.id))!.mergeCommit!;
    for (const t of tasks) {
      expect(t.status).toBe('succeeded');
      // Each dependency's merge is an ancestor of its dependent's merge: it landed first.
      for (const dep of t.dependsOn) {
        const depKey = tasks.find((x) => x.id === dep)!.planKey!;
        await expect(
          git(repo, ['merge-base', '--is-ancestor', await merge(depKey), await merge(t.planKey!)]),
        ).resolves.toBeDefined();
      }
    }
    // The two branches of the diamond ran at the same time.
    const span = async (key: string) => {
      const d = await stack.testEnv.client.workflow.getHandle(byKey.get(key)!.workflowId).describe();
      expect(d.typedSearchAttributes.get(JetpackPlan)).toBe(plan.id);
      return { start: d.startTime.getTime(), end: d.closeTime!.getTime() };
    };
    const [left, right] = await Promise.all([span('left'), span('right')]);
    expect(left.start).toBeLessThan(right.end);
    expect(right.start).toBeLessThan(left.end);
  });

  it('fails the dependents of a failed task but not its siblings, after a retried plan and an approval', async () => {
    const repo = await newRepo('plan-fail');
    // The planner's first answer names an unknown task: it is told so and answers again.
    const bad = '```plan\n{"tasks": [{"key": "a", "title": "A", "description": "x", "dependsOn": ["ghost"]}]}\n```';
    const goal = planGoal(
      [{ key: 'broken', edits: false }, { key: 'dependent', dependsOn: ['broken'] }, { key: 'sibling' }],
      [bad],
    );
    const created = await plans.createPlan({ goal, repo, parallel: 2, maxAttempts: 1 });
    expect(created.plannerTries).toBe(2);
    expect(created.plan.status).toBe('awaiting_approval');
    const worker = await stack.createWorker();
    const plan = await worker.runUntil(async () => {
      const handle = stack.testEnv.client.workflow.getHandle(created.plan.workflowId);
      expect((await handle.query(planProgressQuery)).status).toBe('awaiting_approval');
      await plans.approvePlan(created.plan.id);
      // Refused by the workflow's validator, or already by the stored status once the plan recorded it.
      await expect(plans.approvePlan(created.plan.id)).rejects.toThrow(
        /is already approved|is running; only a plan awaiting approval/,
      );
      return plans.waitForPlan(created.plan.id);
    });
    expect(plan.status).toBe('failed');
    const byKey = new Map((await stack.store.tasks.listForPlan(plan.id)).map((t) => [t.planKey!, t]));
    expect(byKey.get('broken')!.status).toBe('failed');
    expect(byKey.get('sibling')!.status).toBe('succeeded');
    const dependent = byKey.get('dependent')!;
    expect(dependent.status).toBe('failed');
    expect(dependent.failureReason).toMatch(new RegExp(`^dependency ${byKey.get('broken')!.id} failed: gave up`));
    expect(await stack.store.attempts.listForTask(dependent.id)).toEqual([]);
  });

  it('continues as new past its history limit and still runs every task once', async () => {
    const repo = await newRepo('plan-can');
    const goal = planGoal([{ key: 'one' }, { key: 'two', dependsOn: ['one'] }, { key: 'three' }]);
    const created = await plans.createPlan(
      { goal, repo, parallel: 1, autoApprove: true },
      { continueAsNewAfterEvents: 1 },
    );
    const worker = await stack.createWorker();
    const plan = await worker.runUntil(() => plans.waitForPlan(created.plan.id));
    expect(plan.status).toBe('succeeded');
    const { raw } = await stack.testEnv.client.workflow.getHandle(plan.workflowId).describe();
    // The closed run is not the first: the plan continued as new, carrying what had finished.
    expect(raw.workflowExecutionInfo?.firstRunId).not.toBe(raw.workflowExecutionInfo?.execution?.runId);
    for (const t of await stack.store.tasks.listForPlan(plan.id)) expect(await stack.store.results.count(t.id)).toBe(1);
  });

  it('refuses a plan whose dependencies form a cycle, writing nothing', async () => {
    const repo = await newRepo('plan-cycle');
    const goal = planGoal([
      { key: 'a', dependsOn: ['c'] },
      { key: 'b', dependsOn: ['a'] },
      { key: 'c', dependsOn: ['b'] },
    ]);
    const before = await stack.store.plans.list(1000);
    await expect(plans.createPlan({ goal, repo })).rejects.toThrow(
      /no valid plan in 3 tries; last problem: the plan is invalid: the dependencies form a cycle: a → c → b → a/,
    );
    expect(await stack.store.plans.list(1000)).toEqual(before);
  });
});
