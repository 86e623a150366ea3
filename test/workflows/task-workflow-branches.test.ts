import { randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Activities } from '../../activities/index.js';
import type { taskWorkflow, TaskWorkflowInput } from '../../workflows/task-workflow.js';
import { MAX_BASE_SYNC_ROUNDS } from '../../workflows/task-workflow.js';
import type {} from '../provided-context.js';

/**
 * The workflow's branches that are expensive to reach end to end, driven by stub activities on the
 * real Temporal server: the workflow code is the real bundle; only the steps it calls are scripted.
 */
type Call = { name: string; input: Record<string, unknown> };
type Script = Partial<{ [K in keyof Activities]: (input: Parameters<Activities[K]>[0]) => Promise<unknown> }>;

const usage = { inputTokens: 10, outputTokens: 5, costUsd: 0 };
const completed = {
  status: 'completed' as const,
  summary: 'done',
  commitSha: 'abc',
  filesChanged: 1,
  feedbackArtifactId: null,
};

function stubActivities(calls: Call[], script: Script) {
  const names = [
    'prepareWorkspace',
    'ensureBaseline',
    'agentTurn',
    'runAgent',
    'runChecks',
    'landChanges',
    'enqueueForLanding',
    'prepareConflictResolution',
    'findConflictMarkers',
    'recordLearnings',
    'recordResult',
    'recordTaskStatus',
    'cleanupWorkspace',
    'notifyDependents',
  ] as const;
  const defaults: Script = {
    prepareWorkspace: async () => ({ branch: 'swarm/x', baseSha: 'base' }),
    ensureBaseline: async () => ({ collected: false, checks: 1 }),
    agentTurn: async ({ turn }) => ({ done: turn >= 2, usage, outcome: turn >= 2 ? completed : null }),
    runChecks: async () => ({
      passed: true,
      quality: 'pass',
      summary: 'pass',
      failedChecks: [],
      feedbackArtifactId: null,
    }),
    landChanges: async () => ({ status: 'merged', mergeCommit: 'merge' }),
    recordLearnings: async () => ({ stored: 0 }),
    recordResult: async () => ({ recorded: true }),
    recordTaskStatus: async () => undefined,
    cleanupWorkspace: async () => undefined,
    notifyDependents: async () => ({ notified: 0 }),
  };
  return Object.fromEntries(
    names.map((name) => [
      name,
      async (input: Record<string, unknown>) => {
        calls.push({ name, input });
        const fn = (script[name] ?? defaults[name]) as ((i: unknown) => Promise<unknown>) | undefined;
        if (!fn) throw ApplicationFailure.nonRetryable(`unexpected activity ${name}`);
        return fn(input);
      },
    ]),
  );
}

describe('taskWorkflow branches (stub activities, real server)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    env = await TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run(script: Script, overrides: Partial<TaskWorkflowInput> = {}) {
    const prefix = `branches-${randomUUID().slice(0, 8)}`;
    const taskQueue = `${prefix}.local`;
    const calls: Call[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: stubActivities(calls, script),
    });
    const input: TaskWorkflowInput = {
      taskId: `t${randomUUID().replaceAll('-', '').slice(0, 10)}`,
      maxAttempts: 3,
      taskQueuePrefix: prefix,
      primary: { modelType: 'local', mode: 'loop', maxTurns: 50 },
      fallback: null,
      budget: { maxTokens: null, maxCostUsd: null },
      ...overrides,
    };
    const handle = await env.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      taskQueue,
      workflowId: `task-${input.taskId}`,
      args: [input],
    });
    // Queries need a live worker: the final state is read before the worker stops.
    const outcome = await worker.runUntil(async () => {
      const settled = await handle.result().then(
        (value) => ({ value, error: null }),
        (error: unknown) => ({ value: null, error }),
      );
      const state = await handle.query<{ budget: { usedTokens: number }; attempt: number }>('status');
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      return { ...settled, state, details: metadata.currentDetails ?? '' };
    });
    return { calls, handle, ...outcome };
  }

  const named = (calls: Call[], name: string) => calls.filter((c) => c.name === name).map((c) => c.input);
  const failureMessage = (error: unknown) => {
    expect(error).toBeInstanceOf(WorkflowFailedError);
    return (error as WorkflowFailedError).cause?.message ?? '';
  };

  it('continues as new mid-attempt and resumes at the next turn with its budget and position', async () => {
    const { calls, handle, value, error, state } = await run(
      { agentTurn: async ({ turn }) => ({ done: turn >= 12, usage, outcome: turn >= 12 ? completed : null }) },
      { continueAsNewAfterEvents: 30, budget: { maxTokens: 1_000, maxCostUsd: null } },
    );
    expect(error).toBeNull();
    expect(value).toMatchObject({ status: 'succeeded', attempts: 1, mergeCommit: 'merge' });
    // Every turn ran exactly once, in order, across the runs.
    expect(named(calls, 'agentTurn').map((i) => i.turn)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // The chain really continued as new: the first run ended with ContinuedAsNew.
    const firstRun = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    // The final run carries the budget used before it (12 turns × 15 tokens).
    expect(state.budget.usedTokens).toBe(180);
    expect(state.attempt).toBe(1);
    // The workspace was prepared in every run (idempotent), and the result recorded once.
    expect(named(calls, 'recordResult')).toHaveLength(1);
  });

  it('fails with the conflicting files named when the base branch conflicts (direct landing)', async () => {
    const { calls, error } = await run({
      landChanges: async () => ({ status: 'conflict', files: ['src/a.js', 'src/b.js'] }),
    });
    expect(failureMessage(error)).toContain('merge conflict with the base branch in: src/a.js, src/b.js');
    // Landing directly, a conflict is fatal: one attempt, no retry of the agent.
    expect(named(calls, 'agentTurn').map((i) => i.attempt)).toEqual([1, 1]);
    expect(named(calls, 'recordResult')).toEqual([expect.objectContaining({ status: 'failed', attempts: 1 })]);
    expect(named(calls, 'cleanupWorkspace')).toHaveLength(1);
  });

  it(`gives up after ${MAX_BASE_SYNC_ROUNDS} re-checks when the base keeps moving (direct landing)`, async () => {
    const { calls, error } = await run({ landChanges: async () => ({ status: 'needs_recheck', baseSha: 'moved' }) });
    expect(failureMessage(error)).toContain(
      `the base branch kept moving; gave up after ${MAX_BASE_SYNC_ROUNDS} re-checks`,
    );
    expect(named(calls, 'runChecks').map((i) => i.round)).toEqual([1, 2, 3, 4, 5]);
    expect(named(calls, 'landChanges')).toHaveLength(MAX_BASE_SYNC_ROUNDS);
    expect(named(calls, 'recordResult')).toEqual([expect.objectContaining({ status: 'failed' })]);
  });

  it('fails the task with the cause when a step fails for good', async () => {
    const { calls, error } = await run({
      prepareWorkspace: async () => {
        throw ApplicationFailure.nonRetryable('repo /gone does not exist', 'RepoError');
      },
    });
    expect(failureMessage(error)).toBe('attempt 0: repo /gone does not exist');
    expect(named(calls, 'agentTurn')).toHaveLength(0);
    expect(named(calls, 'recordResult')).toEqual([
      expect.objectContaining({ status: 'failed', failureReason: 'attempt 0: repo /gone does not exist' }),
    ]);
    expect(named(calls, 'cleanupWorkspace')).toHaveLength(1);
  });

  it('retries with feedback after a failed gate and lands on the next attempt', async () => {
    let gate = 0;
    const { calls, value } = await run({
      runChecks: async () =>
        ++gate === 1
          ? {
              passed: false,
              quality: 'regression',
              summary: 'regression: 1 newFailingTest',
              failedChecks: ['test'],
              feedbackArtifactId: 'fb-1',
            }
          : { passed: true, quality: 'pass', summary: 'pass', failedChecks: [], feedbackArtifactId: null },
    });
    expect(value).toMatchObject({ status: 'succeeded', attempts: 2 });
    const turns = named(calls, 'agentTurn');
    expect(turns.map((t) => [t.attempt, t.turn, t.feedbackArtifactId])).toEqual([
      [1, 1, null],
      [1, 2, null],
      [2, 1, 'fb-1'],
      [2, 2, 'fb-1'],
    ]);
  });

  describe('landing through the merge queue', () => {
    /** An enqueue whose verdict the test scripts: it signals the task as the queue would. */
    const queueAnswers = (answer: (n: number, head: string) => Record<string, unknown>) => {
      let n = 0;
      return async ({ taskId, attempt }: { taskId: string; attempt: number }) => {
        const head = `head-${++n}`;
        const { workflowExecution } = Context.current().info;
        await env.client.workflow
          .getHandle(workflowExecution!.workflowId)
          .signal('landingVerdict', { taskId, attempt, head, ...answer(n, head) });
        return { queueId: 'merge-queue-x-main', head };
      };
    };

    it('waits for the queue and succeeds with its merge commit, never landing by itself', async () => {
      const { calls, value } = await run(
        { enqueueForLanding: queueAnswers(() => ({ status: 'merged', mergeCommit: 'm1' })) },
        { landing: 'queue' },
      );
      expect(value).toMatchObject({ status: 'succeeded', attempts: 1, mergeCommit: 'm1' });
      expect(named(calls, 'landChanges')).toEqual([]);
      expect(named(calls, 'runChecks')).toHaveLength(1);
    });

    it('takes a rejection by the queue as feedback for the next attempt', async () => {
      const { calls, value } = await run(
        {
          enqueueForLanding: queueAnswers((n) =>
            n === 1
              ? { status: 'rejected', reason: 'queue gate failed', feedbackArtifactId: 'qfb-1' }
              : { status: 'merged', mergeCommit: 'm2' },
          ),
        },
        { landing: 'queue' },
      );
      expect(value).toMatchObject({ status: 'succeeded', attempts: 2, mergeCommit: 'm2' });
      expect(named(calls, 'agentTurn').map((t) => [t.attempt, t.feedbackArtifactId])).toContainEqual([2, 'qfb-1']);
    });

    it('gives a conflict to the agent as a conflict-resolution attempt, then lands', async () => {
      const { calls, value } = await run(
        {
          enqueueForLanding: queueAnswers((n) =>
            n === 1
              ? { status: 'conflict', files: ['src/a.js'], baseCommits: ['c1'] }
              : { status: 'merged', mergeCommit: 'm3' },
          ),
          prepareConflictResolution: async () => ({
            status: 'conflict',
            files: ['src/a.js'],
            feedbackArtifactId: 'conflict-1',
          }),
          findConflictMarkers: async () => ({ remaining: [], feedbackArtifactId: null }),
        },
        { landing: 'queue' },
      );
      expect(value).toMatchObject({ status: 'succeeded', attempts: 2, mergeCommit: 'm3' });
      expect(named(calls, 'prepareConflictResolution')).toEqual([expect.objectContaining({ attempt: 1 })]);
      expect(named(calls, 'agentTurn').map((t) => [t.attempt, t.feedbackArtifactId])).toContainEqual([2, 'conflict-1']);
      // The resolving attempt is checked for leftover markers before its gate.
      expect(named(calls, 'findConflictMarkers')).toEqual([
        expect.objectContaining({ attempt: 2, files: ['src/a.js'] }),
      ]);
    });

    it('fails naming the conflicted files when conflicts outlast its attempts', async () => {
      const { calls, error } = await run(
        {
          enqueueForLanding: queueAnswers(() => ({ status: 'conflict', files: ['src/a.js'], baseCommits: ['c1'] })),
          prepareConflictResolution: async () => ({
            status: 'conflict',
            files: ['src/a.js'],
            feedbackArtifactId: 'conflict',
          }),
          findConflictMarkers: async () => ({ remaining: [], feedbackArtifactId: null }),
        },
        { landing: 'queue', maxAttempts: 2 },
      );
      expect(failureMessage(error)).toContain('merge conflict with the base branch in: src/a.js');
      expect(named(calls, 'recordResult')).toEqual([expect.objectContaining({ status: 'failed', attempts: 2 })]);
    });

    it('waits for the single-flight baseline when its base commit has none yet', async () => {
      let signalled = false;
      const agentStartedAfter: boolean[] = [];
      const { value } = await run(
        {
          ensureBaseline: async () => {
            const { workflowExecution } = Context.current().info;
            // The baseline workflow would signal once collected; here the stub does, a moment later.
            setTimeout(() => {
              signalled = true;
              void env.client.workflow
                .getHandle(workflowExecution!.workflowId)
                .signal('baselineReady', { error: null });
            }, 500);
            return { collected: false, checks: 1, pending: true };
          },
          agentTurn: async ({ turn }) => {
            agentStartedAfter.push(signalled);
            return { done: turn >= 2, usage, outcome: turn >= 2 ? completed : null };
          },
          enqueueForLanding: queueAnswers(() => ({ status: 'merged', mergeCommit: 'm4' })),
        },
        { landing: 'queue' },
      );
      expect(value).toMatchObject({ status: 'succeeded' });
      expect(agentStartedAfter).toEqual([true, true]);
    });
  });

  describe('what the Temporal Web UI shows', () => {
    const summaries = async (handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) =>
      ((await handle.fetchHistory()).events ?? []).flatMap((event) => {
        const e = event as {
          activityTaskScheduledEventAttributes?: unknown;
          userMetadata?: { summary?: { data?: Uint8Array } };
        };
        const data = e.activityTaskScheduledEventAttributes ? e.userMetadata?.summary?.data : undefined;
        return data ? [JSON.parse(Buffer.from(data).toString('utf8')) as string] : [];
      });

    it('names each step, shows the last turn and the failure with its causes, and fails with them', async () => {
      const cause = 'failing test "adds" (test/a.test.js:3:1): expected 3 to be 4';
      const { handle, error, details } = await run(
        {
          agentTurn: async () => ({
            done: true,
            usage,
            outcome: completed,
            tools: ['write_file src/a.js', 'run_command npm test'],
          }),
          runChecks: async () => ({
            passed: false,
            quality: 'regression',
            summary: 'regression: 1 newFailingTest',
            failedChecks: ['test'],
            feedbackArtifactId: null,
            causes: [cause],
          }),
        },
        { maxAttempts: 1 },
      );
      expect(failureMessage(error)).toContain(cause);
      expect(await summaries(handle)).toEqual(
        expect.arrayContaining(['attempt 1 · turn 1 · local', 'attempt 1 · quality gate']),
      );
      expect(details).toContain('**status** failed · **attempt** 1/1 · **turn** 1 · **model** local');
      expect(details).toContain('**last turn** write_file src/a.js, run_command npm test');
      expect(details).toContain(
        `**last failure** attempt 1: quality gate failed: regression: 1 newFailingTest; ${cause}`,
      );
    });

    it('says how to approve or reject a task paused for its budget, and approving answers with the raised limits', async () => {
      const prefix = `branches-${randomUUID().slice(0, 8)}`;
      const calls: Call[] = [];
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: `${prefix}.local`,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        activities: stubActivities(calls, {
          agentTurn: async () => ({ done: true, usage, outcome: completed, tools: [] }),
        }),
      });
      const taskId = `t${randomUUID().replaceAll('-', '').slice(0, 10)}`;
      const handle = await env.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
        taskQueue: `${prefix}.local`,
        workflowId: `task-${taskId}`,
        args: [
          {
            taskId,
            maxAttempts: 1,
            taskQueuePrefix: prefix,
            primary: { modelType: 'local', mode: 'loop', maxTurns: 5 },
            fallback: null,
            budget: { maxTokens: 10, maxCostUsd: null },
          },
        ],
      });
      await worker.runUntil(async () => {
        let details = '';
        for (let i = 0; i < 100 && !details.includes('paused'); i++) {
          details =
            (await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '';
          if (!details.includes('paused')) await new Promise((r) => setTimeout(r, 100));
        }
        expect(details).toContain('**paused: budget exceeded** (15 tokens of 10');
        expect(details).toContain(`swarm task approve ${taskId}`);
        expect(details).toContain(`swarm task reject ${taskId} --reason`);
        const approved = await handle.executeUpdate<{ maxTokens: number | null }, [{ addTokens: number }]>(
          'approveBudget',
          {
            args: [{ addTokens: 100 }],
          },
        );
        expect(approved.maxTokens).toBe(115);
        await handle.result();
      });
    });
  });
});
