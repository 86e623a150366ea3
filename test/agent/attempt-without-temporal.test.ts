import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../../agent/agent-deps.js';
import type { AttemptContext, AttemptProgress } from '../../agent/attempt-context.js';
import { artifactId } from '../../agent/attempt-outcome.js';
import { runCliAttempt } from '../../agent/run-cli-attempt.js';
import { runAgentTurn, type TurnOutcome } from '../../agent/run-turn.js';
import { modelSchema } from '../../config/model-config.js';
import { openStore, type Store } from '../../db/index.js';
import { createRedactor } from '../../secrets/redactor.js';
import { createMemoryStore, createOfflineEmbedder } from '../../memory/index.js';
import { createModelRegistry } from '../../models/registry.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, MUL, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { attemptOn as attemptOnRepo } from '../helpers/attempt-on.js';
import { tempDir } from '../helpers/test-env.js';

const DIMS = 16;
const AGENT_ID = 'agent-under-test';

let dir: string;
let repo: string;
let store: Store;
let deps: AgentDeps;

beforeAll(async () => {
  dir = tempDir('attempt-without-temporal');
  repo = await createFixtureRepo(path.join(dir, 'repo'), nodeProjectFiles());
  store = await openStore(
    { mode: 'local', path: path.join(dir, 'data.db') },
    { embeddingDimensions: DIMS, redactor: createRedactor() },
  );
  const memory = await createMemoryStore({ db: store.db, embedder: createOfflineEmbedder({ dimensions: DIMS }) });
  await memory.store({
    content: 'Multiplication helpers live in src/mul.js and are exported by name.',
    type: 'codebase_knowledge',
    branch: 'main',
  });
  const models = createModelRegistry({
    local: modelSchema.parse({ adapter: 'local' }),
    script: modelSchema.parse({ adapter: 'command', command: 'cat > prompt-seen.txt; echo "wrote what it was told"' }),
  });
  deps = { store, models, memory, recall: { limit: 3, threshold: -1 }, agentId: AGENT_ID };
});

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const attemptOn = (id: string, description: string, modelType: string) =>
  attemptOnRepo({ store, repo, dir }, id, description, modelType);

/** A context as a test runner gives it: plain callbacks that record what they are told. */
function recordingContext(signal = new AbortController().signal) {
  const progress: AttemptProgress[] = [];
  const pids: number[] = [];
  const context: AttemptContext = {
    signal,
    tryNumber: 1,
    heartbeat: (p) => progress.push(p),
    onProcessStart: (pid) => pids.push(pid),
  };
  return { context, progress, pids };
}

describe('an agent attempt run by plain code, without Temporal', () => {
  it('runs the loop turn by turn to a committed outcome, reporting progress, started processes and recalled memories', async () => {
    const request = await attemptOn(
      'loop1',
      `Add mul.\n\n${writeBlock('src/mul.js', MUL)}\n\n\`\`\`run\necho ran > ran.txt\n\`\`\``,
      'local',
    );
    const { context, progress, pids } = recordingContext();
    const turns: TurnOutcome[] = [];
    for (let turn = 1; turns.at(-1)?.done !== true; turn++)
      turns.push(await runAgentTurn(deps, { ...request, turn, maxTurns: 10 }, context));

    expect(turns.map((t) => t.done)).toEqual([false, false, true]);
    const outcome = turns.at(-1)!.outcome!;
    expect(outcome).toMatchObject({ status: 'completed', filesChanged: 2, feedbackArtifactId: null });
    expect(outcome.commitSha).toBe(await git(request.worktreePath, ['rev-parse', 'HEAD']));
    expect(await readFile(path.join(request.worktreePath, 'src/mul.js'), 'utf8')).toBe(`${MUL}\n`);

    expect(pids).toHaveLength(1);
    expect(progress).toContainEqual({ turn: 1, message: 'calling the model' });
    expect(progress).toContainEqual({ turn: 2, toolCalls: 0, message: 'run_command' });

    const attempt = await store.attempts.get('loop1', 1);
    expect(attempt).toMatchObject({
      status: 'checking',
      agentId: AGENT_ID,
      filesChanged: ['ran.txt', 'src/mul.js'],
      commitSha: outcome.commitSha,
    });
    expect(attempt!.memoryIds).toHaveLength(1);
    expect(await store.artifacts.get(artifactId('loop1', 1, 'prompt'))).toContain(
      'Multiplication helpers live in src/mul.js',
    );
    expect((await store.modelCalls.listForTask('loop1')).map((c) => [c.turn, c.try])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect((await store.tasks.get('loop1'))!.status).toBe('running_agent');
  });

  it('stops before the next tool call when the signal is aborted, leaving only the start of the attempt', async () => {
    const request = await attemptOn('loop2', `Add mul.\n\n${writeBlock('src/mul.js', MUL)}`, 'local');
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    controller.abort(reason);
    await expect(
      runAgentTurn(deps, { ...request, turn: 1, maxTurns: 10 }, recordingContext(controller.signal).context),
    ).rejects.toBe(reason);
    expect((await store.agentTurns.list('loop2', 1)).map((t) => t.turn)).toEqual([0]);
  });

  it('runs a whole CLI attempt and commits its work', async () => {
    const request = await attemptOn('cli1', 'Write down what you were told.', 'script');
    const { context, progress } = recordingContext();
    const { outcome, usage } = await runCliAttempt(deps, request, context);

    expect(outcome).toMatchObject({ status: 'completed', filesChanged: 1, feedbackArtifactId: null });
    expect(outcome.summary).toContain('wrote what it was told');
    expect(outcome.commitSha).toBe(await git(request.worktreePath, ['rev-parse', 'HEAD']));
    expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
    expect(await readFile(path.join(request.worktreePath, 'prompt-seen.txt'), 'utf8')).toContain(
      'Write down what you were told.',
    );
    expect(progress.at(0)).toEqual({ message: 'starting' });
    expect(await store.attempts.get('cli1', 1)).toMatchObject({
      status: 'checking',
      filesChanged: ['prompt-seen.txt'],
      commitSha: outcome.commitSha,
    });
    expect(await store.artifacts.get(artifactId('cli1', 1, 'transcript'))).toContain('wrote what it was told');
  });

  it('refuses a model type of the other kind', async () => {
    const request = await attemptOn('mix1', 'Anything.', 'local');
    await expect(runCliAttempt(deps, request, recordingContext().context)).rejects.toThrow(
      'model type local runs as an agent loop, not as a CLI',
    );
    await expect(
      runAgentTurn(deps, { ...request, modelType: 'script', turn: 1, maxTurns: 5 }, recordingContext().context),
    ).rejects.toThrow('model type script runs as a CLI, not as an agent loop');
  });
});
