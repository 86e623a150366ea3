import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTask } from '../../client/format.js';
import { TaskInputError } from '../../client/swarm-client.js';
import { statusQuery } from '../../workflows/task-workflow.js';
import { JetpackBudget, JetpackModel, JetpackStatus } from '../../workflows/search-attributes.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, MUL, MUL_TEST, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));
const run = promisify(execFile);

/** Two model types served by the deterministic local model, with different skills; `local` falls back to `docs`. */
function writeSwarmConfig(dir: string): string {
  const file = path.join(dir, 'swarm.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      models: {
        local: { adapter: 'local', skills: ['javascript'], fallback: { model: 'docs', afterFailedAttempts: 1 } },
        docs: { adapter: 'local', skills: ['docs', 'javascript'] },
      },
      defaultModel: 'local',
    }),
  );
  return file;
}

describe('the durable agent loop on real Temporal, with two worker kinds', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack({ configFile: writeSwarmConfig(tempDir('agent-config')) });
  });
  afterAll(async () => {
    await stack?.teardown();
  });

  const newRepo = (name: string) =>
    createFixtureRepo(path.join(tempDir(name), 'repo'), nodeProjectFiles({ 'README.md': '# fixture\n' }));
  const result = (workflowId: string) => stack.testEnv.client.workflow.getHandle(workflowId).result();

  it('completes a multi-file change turn by turn, checkpointing every turn', async () => {
    const repo = await newRepo('multi');
    const worker = await stack.createWorker('local');
    const description = [
      'Add mul with a test, document it, and remove the old sum module.',
      writeBlock('src/mul.js', MUL),
      writeBlock('test/mul.test.js', MUL_TEST),
      '```append README.md\n\n`mul(a, b)` multiplies.\n```',
      '```delete src/sum.js\n```',
      '```delete test/sum.test.js\n```',
      '```run\nnode --test test/mul.test.js\n```',
    ].join('\n');
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Multi-file change',
        description,
        repo,
        skills: ['javascript'],
      });
      await result(task.workflowId);
      return task;
    });

    const turns = await stack.store.agentTurns.list(task.id, 1);
    // Turn 0 holds the prompt; six tool turns; the seventh calls finish.
    expect(turns.map((t) => t.turn)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(turns.at(-1)?.done).toBe(true);
    const toolNames = turns
      .slice(1)
      .flatMap((t) => t.messages.flatMap((m) => (m.role === 'assistant' ? m.toolCalls.map((c) => c.name) : [])));
    expect(toolNames).toEqual([
      'write_file',
      'write_file',
      'append_file',
      'delete_file',
      'delete_file',
      'run_command',
      'finish',
    ]);
    const runResult = turns[6]!.messages.find((m) => m.role === 'tool');
    expect(runResult?.role === 'tool' && runResult.results[0]!.output).toMatch(/pass 1/);
    // Each turn that changed files left a checkpoint commit on the task branch.
    expect(new Set(turns.map((t) => t.checkpointSha)).size).toBe(6);

    const calls = await stack.store.modelCalls.listForTask(task.id);
    expect(calls.map((c) => [c.turn, c.try, c.modelType, c.provider])).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((turn) => [turn, 1, 'local', 'local']),
    );
    expect(calls.every((c) => c.inputTokens > 0)).toBe(true);

    expect(await git(repo, ['show', 'main:src/mul.js'])).toBe(MUL);
    expect(await git(repo, ['show', 'main:README.md'])).toContain('`mul(a, b)` multiplies.');
    expect(await git(repo, ['ls-tree', '--name-only', '-r', 'main'])).not.toContain('src/sum.js');
    const [attempt] = await stack.store.attempts.listForTask(task.id);
    expect(attempt!.filesChanged.sort()).toEqual([
      'README.md',
      'src/mul.js',
      'src/sum.js',
      'test/mul.test.js',
      'test/sum.test.js',
    ]);
    expect(await stack.store.artifacts.get(attempt!.transcriptArtifactId!)).toContain('[tool call write_file]');
    const shown = await stack.client.showTask(task.id);
    expect(shown?.usage.calls).toBe(7);
  });

  it('runs two worker kinds at once, routing by model type and by skills', async () => {
    const repo = await newRepo('routing');
    const local = await stack.createWorker('local');
    const docs = await stack.createWorker('docs');
    await local.runUntil(
      docs.runUntil(async () => {
        const online = await stack.store.agents.list();
        expect(online.map((a) => a.id).sort()).toEqual([docs.agentId, local.agentId].sort());
        expect(new Set(online.map((a) => a.modelType))).toEqual(new Set(['local', 'docs']));
        const listed = await run(process.execPath, [SWARM_BIN, 'agents', 'list'], {
          env: { ...process.env, ...stack.env },
        });
        for (const agent of [local, docs])
          expect(listed.stdout).toMatch(new RegExp(`${agent.agentId}\\s+(local|docs)\\s+online`));

        const bySkill = await stack.client.createTask({
          title: 'Docs',
          description: writeBlock('docs/guide.md', '# Guide'),
          skills: ['docs'],
          repo,
        });
        expect(bySkill.modelType).toBe('docs');
        await result(bySkill.workflowId);
        const byName = await stack.client.createTask({
          title: 'Code',
          description: writeBlock('src/mul.js', MUL),
          model: 'local',
          repo,
        });
        await result(byName.workflowId);

        expect((await stack.store.attempts.listForTask(bySkill.id))[0]?.agentId).toBe(docs.agentId);
        expect((await stack.store.attempts.listForTask(byName.id))[0]?.agentId).toBe(local.agentId);
        const described = await stack.testEnv.client.workflow.getHandle(bySkill.workflowId).describe();
        expect(described.taskQueue).toBe(`${stack.config.temporal.taskQueuePrefix}.docs`);
      }),
    );
    await expect(
      stack.client.createTask({ title: 'x', description: 'y', skills: ['docs'], model: 'local', repo }),
    ).rejects.toThrow(/model "local" lacks the required skill\(s\): docs/);
  });

  it('falls back to the second model type after the configured number of failed attempts', async () => {
    const repo = await newRepo('fallback');
    const local = await stack.createWorker('local');
    const docs = await stack.createWorker('docs');
    const task = await local.runUntil(
      docs.runUntil(async () => {
        const task = await stack.client.createTask({
          title: 'Needs the fallback',
          description: [
            writeBlock('src/mul.js', 'export const mul = () => 0;', '1'),
            writeBlock('src/mul.js', MUL, '2-'),
            writeBlock('test/mul.test.js', MUL_TEST),
          ].join('\n'),
          model: 'local',
          repo,
        });
        await result(task.workflowId);
        return task;
      }),
    );
    const attempts = await stack.store.attempts.listForTask(task.id);
    expect(attempts.map((a) => [a.modelType, a.agentId, a.status])).toEqual([
      ['local', local.agentId, 'checks_failed'],
      ['docs', docs.agentId, 'checks_passed'],
    ]);
    const described = await stack.testEnv.client.workflow.getHandle(task.workflowId).describe();
    expect(described.typedSearchAttributes.get(JetpackModel)).toBe('docs');
  });

  describe('budgets', () => {
    const overBudgetTask = async (repo: string) =>
      stack.client.createTask({
        title: 'Small budget',
        description: [writeBlock('src/mul.js', MUL), writeBlock('test/mul.test.js', MUL_TEST)].join('\n'),
        repo,
        budget: { maxTokens: 50 },
      });

    const waitForPause = async (workflowId: string) => {
      const handle = stack.testEnv.client.workflow.getHandle(workflowId);
      await expect
        .poll(async () => (await handle.query(statusQuery)).status, { timeout: 30_000 })
        .toBe('awaiting_approval');
      return handle;
    };

    it('pauses a task over its budget, shows it, and goes on after approval', async () => {
      const repo = await newRepo('budget-approve');
      const worker = await stack.createWorker('local');
      const task = await overBudgetTask(repo);
      await worker.runUntil(async () => {
        const handle = await waitForPause(task.workflowId);
        const state = await handle.query(statusQuery);
        expect(state.budget).toMatchObject({ maxTokens: 50, awaitingApproval: true });
        expect(state.budget.usedTokens).toBeGreaterThan(50);
        expect(state.turn).toBe(1);
        expect((await handle.describe()).typedSearchAttributes.get(JetpackBudget)).toBe('exceeded');
        await expect.poll(async () => (await stack.store.tasks.get(task.id))?.status).toBe('awaiting_approval');
        // Nothing ran past the pause.
        expect((await stack.store.modelCalls.listForTask(task.id)).length).toBe(1);

        await stack.client.approveBudget(task.id, {});
        await handle.result();
        const described = await handle.describe();
        expect(described.typedSearchAttributes.get(JetpackBudget)).toBe('approved');
        expect(described.typedSearchAttributes.get(JetpackStatus)).toBe('succeeded');
      });
      expect(await stack.store.results.get(task.id)).toMatchObject({ status: 'succeeded' });
      await expect(stack.client.approveBudget(task.id, {})).rejects.toThrow(TaskInputError);
    });

    it('fails a task whose budget overrun is rejected, with the reason stored', async () => {
      const repo = await newRepo('budget-reject');
      const worker = await stack.createWorker('local');
      const task = await overBudgetTask(repo);
      const outcome = await worker.runUntil(async () => {
        const handle = await waitForPause(task.workflowId);
        await expect(stack.client.approveBudget(task.id, { addTokens: -5 })).rejects.toThrow(
          /addTokens must be a positive number/,
        );
        await stack.client.rejectBudget(task.id, 'too expensive for a demo');
        return handle.result().catch((e: unknown) => e);
      });
      expect(outcome).toBeInstanceOf(WorkflowFailedError);
      const stored = await stack.store.results.get(task.id);
      expect(stored?.status).toBe('failed');
      expect(stored?.failureReason).toMatch(
        /budget exceeded \(\d+ tokens, \$0\.0000\) and rejected: too expensive for a demo/,
      );
      expect((await stack.store.tasks.get(task.id))?.status).toBe('failed');
      expect(await git(repo, ['rev-list', '--count', 'main'])).toBe('1');
    });

    it('raises the limit by the approved amount, pausing again when that is spent', async () => {
      const repo = await newRepo('budget-raise');
      const worker = await stack.createWorker('local');
      const task = await overBudgetTask(repo);
      await worker.runUntil(async () => {
        const handle = await waitForPause(task.workflowId);
        const first = (await handle.query(statusQuery)).budget.usedTokens;
        // The approval answers with the new limit, and the task shows it (not the original 50).
        const approved = await stack.client.approveBudget(task.id, { addTokens: 1 });
        expect(approved).toMatchObject({ maxTokens: first + 1, awaitingApproval: false });
        expect((await stack.store.tasks.get(task.id))?.budget.maxTokens).toBe(first + 1);
        expect(formatTask((await stack.client.showTask(task.id))!)).toContain(`(budget ${first + 1} tokens)`);
        await expect.poll(async () => (await handle.query(statusQuery)).turn, { timeout: 30_000 }).toBe(2);
        await waitForPause(task.workflowId);
        const state = await handle.query(statusQuery);
        expect(state.budget.maxTokens).toBe(first + 1);
        await stack.client.approveBudget(task.id, {});
        await handle.result();
      });
      expect(existsSync(path.join(stack.config.worktreesDir, task.id))).toBe(false);
      expect(readFileSync(path.join(repo, 'src/mul.js'), 'utf8')).toBe(MUL + '\n');
    });
  });
});
