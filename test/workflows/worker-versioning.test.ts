import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SwarmConfig } from '../../config/config.js';
import { mergeQueueId } from '../../tasks/merge-queue-id.js';
import type { ModelDeployment } from '../../client/format-deployments.js';
import { createTaskWorker, type TaskWorker } from '../../workers/task-worker.js';
import { deploymentNameForModel, promoteVersion, PromotionError } from '../../workers/worker-deployment.js';
import { createFixtureRepo, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';
import { runCliCaptured } from '../helpers/captured-cli.js';

/** temporal.api.enums.v1.VersioningBehavior */
const PINNED = 1;
const AUTO_UPGRADE = 2;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('worker versioning: a rolling upgrade of a model type on the real dev server', () => {
  let stack: TestStack;
  const running: Array<{ worker: TaskWorker; done: Promise<void> }> = [];

  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    for (const { worker, done } of running) {
      if (worker.worker.getState() === 'RUNNING') worker.worker.shutdown();
      await done.catch(() => undefined);
    }
    await stack?.teardown();
  });

  /** A versioned worker of `local` for one build, running until the test stops it. */
  async function startBuild(buildId: string, promoteOnStart = false): Promise<TaskWorker> {
    const config: SwarmConfig = {
      ...stack.config,
      // The held check reads a file outside its worktree, which only an unconfined check can.
      sandbox: { ...stack.config.sandbox, kind: 'none' },
      temporal: { ...stack.config.temporal, versioning: { enabled: true, buildId, promoteOnStart } },
    };
    const worker = await createTaskWorker({
      config,
      modelType: 'local',
      env: stack.env,
      connection: stack.testEnv.nativeConnection,
      store: stack.store,
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    running.push({ worker, done: worker.run() });
    return worker;
  }

  async function swarm(args: string[], env: Record<string, string> = {}) {
    return runCliCaptured(args, { ...stack.env, ...env }, stack.home);
  }
  const listed = async () => {
    const { code, stdout } = await swarm(['workers', 'list', '--model', 'local', '--json']);
    expect(code).toBe(0);
    return (JSON.parse(stdout) as ModelDeployment[])[0]!.deployment;
  };

  const history = async (workflowId: string) =>
    (await stack.testEnv.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  /** The build of each completed workflow task, and the worker that started each activity. */
  const ranOn = async (workflowId: string) => {
    const events = await history(workflowId);
    return {
      workflowTaskBuilds: new Set(
        events.flatMap((e) => {
          const done = e.workflowTaskCompletedEventAttributes;
          return done ? [`${done.deploymentVersion?.buildId}/${done.versioningBehavior}`] : [];
        }),
      ),
      activityWorkers: new Set(events.flatMap((e) => e.activityTaskStartedEventAttributes?.identity ?? [])),
      activities: events.filter((e) => e.activityTaskStartedEventAttributes).length,
    };
  };
  const versioningInfo = async (workflowId: string) =>
    (await stack.testEnv.client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.versioningInfo;

  it('finishes a mid-run task on its old build while new tasks start on the new one, then the old build drains', async () => {
    const dir = tempDir('versioning');
    const started = path.join(dir, 'held-check-started');
    const release = path.join(dir, 'release-held-check');
    // On the agent's work (which has done.txt) the check says it started, then waits to be released.
    const heldCheck = `if [ -f done.txt ]; then touch ${started}; while [ ! -f ${release} ]; do sleep 0.1; done; fi`;
    const heldRepo = await createFixtureRepo(path.join(dir, 'held'), {
      '.swarm.json': JSON.stringify({ checks: { held: heldCheck } }),
      'README.md': 'held\n',
    });
    const freeRepo = await createFixtureRepo(path.join(dir, 'free'), {
      '.swarm.json': JSON.stringify({ checks: { ok: 'true' } }),
      'README.md': 'free\n',
    });
    const description = writeBlock('done.txt', 'done');

    const v1 = await startBuild('v1');
    expect(v1.version).toEqual({
      deploymentName: deploymentNameForModel(stack.config.temporal.taskQueuePrefix, 'local'),
      buildId: 'v1',
    });
    // The deployment exists once v1 polls (the command waits for that); before, nothing was current.
    expect(await swarm(['workers', 'promote', '--model', 'local', '--build-id', 'v1'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`build v1 is now current for ${v1.version!.deploymentName} (was unversioned)`),
    });

    const first = await stack.client.createTask({ title: 'Held on v1', description, repo: heldRepo });
    await until('the first task to be mid-run in its check on v1', async () => existsSync(started));

    // The rollout: build v2 starts and makes itself current while the first task is mid-run.
    const v2 = await startBuild('v2', true);
    const deploymentName = v1.version!.deploymentName;
    await until('v2 to be current', async () => (await listed())?.current === 'v2');
    expect(await listed()).toMatchObject({
      current: 'v2',
      versions: expect.arrayContaining([
        expect.objectContaining({ buildId: 'v1', role: 'previous', drainage: 'draining' }),
        expect.objectContaining({ buildId: 'v2', role: 'current' }),
      ]),
    });

    // `swarm task show` names the build the mid-run task stays on.
    expect((await stack.client.showTask(first.id))?.build).toEqual({
      deploymentName,
      buildId: 'v1',
      behavior: 'pinned',
    });

    const second = await stack.client.createTask({ title: 'Free on v2', description, repo: freeRepo });
    const secondResult = await stack.testEnv.client.workflow.getHandle(second.workflowId).result();
    expect(secondResult).toMatchObject({ status: 'succeeded' });
    // The held task is still running on v1 meanwhile.
    expect(await stack.store.results.get(first.id)).toBeFalsy();

    writeFileSync(release, '');
    const firstResult = await stack.testEnv.client.workflow.getHandle(first.workflowId).result();
    expect(firstResult).toMatchObject({ status: 'succeeded' });
    expect(await stack.store.results.get(first.id)).toMatchObject({ status: 'succeeded' });

    // Every workflow task of the first task completed on v1, pinned, and v1's worker ran every
    // activity, including the landing steps after v2 became current.
    const firstRan = await ranOn(first.workflowId);
    expect(firstRan.workflowTaskBuilds).toEqual(new Set([`v1/${PINNED}`]));
    expect(firstRan.activityWorkers).toEqual(new Set([v1.agentId]));
    expect(firstRan.activities).toBeGreaterThan(3);
    expect(await versioningInfo(first.workflowId)).toMatchObject({
      behavior: PINNED,
      deploymentVersion: { deploymentName, buildId: 'v1' },
    });
    const secondRan = await ranOn(second.workflowId);
    expect(secondRan.workflowTaskBuilds).toEqual(new Set([`v2/${PINNED}`]));
    expect(secondRan.activityWorkers).toEqual(new Set([v2.agentId]));
    // The held task's merge queue started after the rollout: auto-upgrade, on the current build.
    expect(await versioningInfo(mergeQueueId(heldRepo, 'main'))).toMatchObject({
      behavior: AUTO_UPGRADE,
      deploymentVersion: { buildId: 'v2' },
    });

    // No pinned workflow is left on v1: it drains, and its worker stops.
    await until(
      'v1 to drain',
      async () => (await listed())?.versions.find((v) => v.buildId === 'v1')?.drainage === 'drained',
    );
    expect((await swarm(['workers', 'list'])).stdout).toMatch(/\n {2}v1 +previous, drained {2}since /);
    v1.worker.shutdown();
    await running[0]!.done;
    expect(v1.worker.getState()).toBe('STOPPED');
  });

  it('lists a model type no versioned worker has polled as such', async () => {
    const { code, stdout } = await swarm(['workers', 'list', '--model', 'local'], {
      SWARM_TASK_QUEUE_PREFIX: 'never-polled',
    });
    expect(code).toBe(0);
    expect(stdout).toBe(
      'worker versioning is off here (SWARM_WORKER_VERSIONING): workers poll unversioned\n' +
        'local: deployment never-polled-local: no versioned worker has polled\n',
    );
  });

  it('refuses to promote a build no worker of which has polled, naming it', async () => {
    const promoting = promoteVersion(stack.testEnv.client.workflowService, {
      namespace: stack.config.temporal.namespace,
      version: {
        deploymentName: deploymentNameForModel(stack.config.temporal.taskQueuePrefix, 'local'),
        buildId: 'never-started',
      },
      identity: 'test',
      waitMs: 1_000,
    });
    await expect(promoting).rejects.toThrow(PromotionError);
    await expect(promoting).rejects.toThrow(/build "never-started" .* no worker of it has polled within 1 s/);
  });
});
