import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../../agent/agent-deps.js';
import type { AttemptContext, AttemptProgress, AttemptRequest } from '../../agent/attempt-context.js';
import { runCliAttempt } from '../../agent/run-cli-attempt.js';
import { runAgentTurn, type TurnOutcome } from '../../agent/run-turn.js';
import { modelSchema } from '../../config/model-config.js';
import { createRedactor } from '../../secrets/redactor.js';
import { openStore, type Store } from '../../db/index.js';
import { createMemoryStore, createOfflineEmbedder } from '../../memory/index.js';
import { createModelRegistry } from '../../models/registry.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { attemptOn as attemptOnRepo } from '../helpers/attempt-on.js';
import { tempDir } from '../helpers/test-env.js';

const DIMS = 16;
/** Three turns that each append one line, then the model finishes on turn 4. */
const THREE_STEPS = [
  'Append three steps.',
  ...[1, 2, 3].map((n) => '```run\necho step ' + n + ' >> steps.txt\n```'),
].join('\n\n');

let dir: string;
let repo: string;
let store: Store;
let deps: AgentDeps;

beforeAll(async () => {
  dir = tempDir('exactly-once-turn');
  repo = await createFixtureRepo(path.join(dir, 'repo'), nodeProjectFiles());
  store = await openStore(
    { mode: 'local', path: path.join(dir, 'data.db') },
    { embeddingDimensions: DIMS, redactor: createRedactor() },
  );
  const memory = await createMemoryStore({ db: store.db, embedder: createOfflineEmbedder({ dimensions: DIMS }) });
  const models = createModelRegistry({
    local: modelSchema.parse({ adapter: 'local' }),
    appender: modelSchema.parse({
      adapter: 'command',
      command: 'cat > /dev/null; echo ran >> cli-runs.txt; echo "appended a line"',
    }),
  });
  deps = { store, models, memory, recall: { limit: 3, threshold: -1 }, agentId: 'agent-under-test' };
});

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const attemptOn = (id: string, description: string, modelType: string) =>
  attemptOnRepo({ store, repo, dir }, id, description, modelType);

/** The context of one try of a step, as the activity gives it (its try number counts from 1). */
const tryOf = (tryNumber: number): AttemptContext => ({
  signal: new AbortController().signal,
  tryNumber,
  heartbeat: () => {},
  onProcessStart: () => {},
});

const turnOf = (request: AttemptRequest, turn: number, tryNumber = 1) =>
  runAgentTurn(deps, { ...request, turn, maxTurns: 10 }, tryOf(tryNumber));
const stepsIn = (request: AttemptRequest) => readFile(path.join(request.worktreePath, 'steps.txt'), 'utf8');
const calls = async (taskId: string) => (await store.modelCalls.listForTask(taskId)).map((c) => `${c.turn}.${c.try}`);
/** The subjects of the task branch's commits since main, oldest first. */
const branchSubjects = async (request: AttemptRequest) =>
  (await git(repo, ['log', '--reverse', '--format=%s', `main..${request.task.branch}`])).split('\n').filter(Boolean);

describe('exactly-once effects of an agent turn, without Temporal', () => {
  it('reruns a turn whose checkpoint commit landed but whose row was lost from the previous checkpoint, so its tools act once', async () => {
    const request = await attemptOn('lost-row', THREE_STEPS, 'local');
    await turnOf(request, 1);
    await turnOf(request, 2);
    // The try committed turn 2, then its database write was lost: the commit stays, the row does not.
    const orphan = (await store.agentTurns.get('lost-row', 1, 2))!.checkpointSha!;
    await store.db.execute({
      sql: 'DELETE FROM agent_turns WHERE task_id = ? AND attempt = 1 AND turn = 2',
      args: ['lost-row'],
    });

    const progress: AttemptProgress[] = [];
    const retried = await runAgentTurn(
      deps,
      { ...request, turn: 2, maxTurns: 10 },
      { ...tryOf(2), heartbeat: (p) => progress.push(p) },
    );
    expect(retried).toMatchObject({ done: false, outcome: null });
    expect(await stepsIn(request)).toBe('step 1\nstep 2\n');
    expect(progress).toContainEqual({ turn: 2, message: `dropped the checkpoint of an earlier try: ${orphan}` });
    await turnOf(request, 3);
    const last = await turnOf(request, 4);

    expect(await stepsIn(request)).toBe('step 1\nstep 2\nstep 3\n');
    expect(await branchSubjects(request)).toEqual([1, 2, 3].map((turn) => `swarm(lost-row): attempt 1, turn ${turn}`));
    // The model was called (and paid) twice for turn 2; every other turn once.
    expect(await calls('lost-row')).toEqual(['1.1', '2.1', '2.2', '3.1', '4.1']);
    expect(last.outcome).toMatchObject({
      status: 'completed',
      filesChanged: 1,
      commitSha: await git(request.worktreePath, ['rev-parse', 'HEAD']),
    });
    const turns = await store.agentTurns.list('lost-row', 1);
    expect(turns.map((t) => t.turn)).toEqual([0, 1, 2, 3, 4]);
    expect(
      await git(repo, ['log', '-1', '--format=%(trailers:key=Swarm-Turn,valueonly)', turns[2]!.checkpointSha!]),
    ).toBe('lost-row/1/2');
  });

  it('returns the stored outcome of a turn whose row is stored, without calling the model or running its tools', async () => {
    const request = await attemptOn('stored-row', THREE_STEPS, 'local');
    await turnOf(request, 1);
    const second = await turnOf(request, 2);
    const head = await git(request.worktreePath, ['rev-parse', 'HEAD']);

    // The try stored turn 2, then its completion was lost (a Temporal restart): the retry returns it again.
    const again: TurnOutcome = await turnOf(request, 2, 2);
    expect(again).toEqual(second);
    expect(again.usage.inputTokens).toBeGreaterThan(0);
    expect(await stepsIn(request)).toBe('step 1\nstep 2\n');
    expect(await git(request.worktreePath, ['rev-parse', 'HEAD'])).toBe(head);
    expect(await calls('stored-row')).toEqual(['1.1', '2.1']);

    await turnOf(request, 3);
    const last = await turnOf(request, 4);
    expect(last.done).toBe(true);
    // The same for the turn that ended the attempt: its outcome comes back, the attempt stays finished.
    expect(await turnOf(request, 4, 2)).toEqual(last);
    expect(await calls('stored-row')).toEqual(['1.1', '2.1', '3.1', '4.1']);
    expect(await stepsIn(request)).toBe('step 1\nstep 2\nstep 3\n');
    expect((await store.attempts.get('stored-row', 1))?.status).toBe('checking');
    expect(await branchSubjects(request)).toHaveLength(3);
  });
});

describe('exactly-once effects of a CLI attempt, without Temporal', () => {
  it('returns a stored attempt again, and reruns one whose commit landed but whose outcome was lost from the attempt start', async () => {
    const request = await attemptOn('cli-once', 'Append a line.', 'appender');
    const first = await runCliAttempt(deps, request, tryOf(1));
    expect(first.outcome).toMatchObject({ status: 'completed', filesChanged: 1 });
    const runs = () => readFile(path.join(request.worktreePath, 'cli-runs.txt'), 'utf8');

    // Stored, then the completion was lost: the retry does not run the CLI again.
    expect(await runCliAttempt(deps, request, tryOf(2))).toEqual(first);
    expect(await runs()).toBe('ran\n');
    expect(await calls('cli-once')).toEqual(['1.1']);

    // Committed, then the outcome's write was lost: the retry starts over from the attempt's start.
    await store.db.execute({
      sql: 'DELETE FROM agent_turns WHERE task_id = ? AND attempt = 1 AND turn = 1',
      args: ['cli-once'],
    });
    const rerun = await runCliAttempt(deps, request, tryOf(3));
    expect(rerun.outcome).toMatchObject({ status: 'completed', filesChanged: 1 });
    expect(await runs()).toBe('ran\n');
    expect(await branchSubjects(request)).toEqual(['swarm(cli-once): attempt 1: Task cli-once']);
    expect(rerun.outcome.commitSha).toBe(await git(request.worktreePath, ['rev-parse', 'HEAD']));
    expect(await calls('cli-once')).toEqual(['1.1', '1.3']);
  });
});
