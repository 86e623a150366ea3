import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type SwarmConfig } from '../../config/config.js';
import type { Store } from '../../db/index.js';
import type { NewTask } from '../../db/tasks-repository.js';
import { openMemory } from '../../memory/open-memory.js';
import { compareToBaseline } from '../../quality/compare-to-baseline.js';
import { openSwarmStore } from '../../workers/swarm-store.js';
import { failure, testCheck } from '../quality/snapshots.js';
import { columnsContaining } from '../helpers/scan-db.js';
import { tempDir } from '../helpers/test-env.js';

/** A known secret (the worker's provider key) and a key no one configured but that has a key's shape. */
const OPENAI_KEY = 'test-openai-key-7fQ2xLp9ZrT4';
const GITHUB_TOKEN = 'ghp_R2d2C3poBb8Ewok0Yoda1Luke2Leia3Han4So';
const LEAK = `KEY=${OPENAI_KEY} token=${GITHUB_TOKEN}`;
const MB = 1024 * 1024;

const newTask = (id: string): NewTask => ({
  id,
  title: 'Leaky task',
  description: 'print the environment',
  priority: 'medium',
  skills: [],
  acceptanceCriteria: [],
  repo: '/tmp/repo',
  baseBranch: 'main',
  branch: `swarm/${id}`,
  modelType: 'local',
  maxAttempts: 2,
  workflowId: `task-${id}`,
  budget: { maxTokens: null, maxCostUsd: null },
});

describe('every text the store writes is redacted and capped', () => {
  const home = tempDir('redacted-writes');
  let config: SwarmConfig;
  let store: Store;
  const env = { SWARM_HOME: home, SWARM_EMBEDDING_DIMENSIONS: '32', OPENAI_API_KEY: OPENAI_KEY };

  beforeAll(async () => {
    config = loadConfig(env, home);
    store = await openSwarmStore(config, env);
  });
  afterAll(() => {
    store?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('keeps a known secret and a key-shaped token out of every table, writing [redacted] in their place', async () => {
    const id = 'leak0001';
    await store.tasks.insert(newTask(id));
    await store.attempts.start({
      taskId: id,
      attempt: 1,
      modelType: 'local',
      agentId: 'agent-1',
      feedbackArtifactId: null,
    });
    await store.artifacts.put({
      id: `${id}/1/feedback`,
      taskId: id,
      kind: 'feedback',
      content: `### test failed\n${LEAK}`,
    });
    await store.agentTurns.save({
      taskId: id,
      attempt: 1,
      turn: 1,
      modelType: 'local',
      checkpointSha: null,
      done: false,
      result: {
        usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
        outcome: { status: 'failed', summary: LEAK, commitSha: null, filesChanged: 0, feedbackArtifactId: null },
      },
      messages: [
        {
          role: 'assistant',
          text: `I will print ${OPENAI_KEY}`,
          toolCalls: [{ id: 'c1', name: 'write_file', input: { path: 'leak.txt', content: LEAK } }],
        },
        {
          role: 'tool',
          results: [{ callId: 'c1', name: 'run_command', output: `exit code 0\n${LEAK}`, isError: false }],
        },
      ],
    });
    const failing = testCheck([failure('prints the key', `expected '${OPENAI_KEY}' to be '' (${GITHUB_TOKEN})`)]);
    await store.checkRuns.record({
      taskId: id,
      attempt: 1,
      round: 1,
      name: 'test',
      command: `echo ${GITHUB_TOKEN}`,
      exitCode: 1,
      passed: false,
      timedOut: false,
      durationMs: 5,
      output: `stdout:\n${LEAK}\n`,
      outputTruncated: false,
      result: failing,
    });
    await store.quality.setBaseline({
      repo: '/tmp/repo',
      branch: 'main',
      commitSha: 'a'.repeat(40),
      snapshot: { checks: [testCheck([])] },
    });
    const snapshot = { checks: [failing] };
    await store.quality.recordAttempt({
      taskId: id,
      attempt: 1,
      repo: '/tmp/repo',
      branch: `swarm/${id}`,
      commitSha: 'b'.repeat(40),
      snapshot,
      comparison: compareToBaseline(snapshot, { checks: [testCheck([])] }),
    });
    await store.attempts.recordAgentOutcome({
      taskId: id,
      attempt: 1,
      status: 'checking',
      promptArtifactId: `${id}/1/prompt`,
      transcriptArtifactId: `${id}/1/transcript`,
      summary: `printed ${LEAK}`,
      filesChanged: [`secrets/${GITHUB_TOKEN}.txt`],
      commitSha: null,
      inputTokens: 1,
      outputTokens: 1,
    });
    await store.tasks.setStatus(id, 'checking', { failureReason: `attempt 1: ${LEAK}` });
    await store.results.recordOnce({
      taskId: id,
      status: 'failed',
      attempts: 1,
      branch: `swarm/${id}`,
      mergeCommit: null,
      summary: `gave up: ${LEAK}`,
      failureReason: `last failure: ${LEAK}`,
      agentId: 'agent-1',
    });
    const memory = await openMemory(config, store, env);
    await memory.store({
      type: 'error_pattern',
      content: `The test printed ${LEAK}`,
      tags: ['env', GITHUB_TOKEN],
      provenance: { taskId: id, attempt: 1, failureSignature: `failed: ${OPENAI_KEY}` },
    });

    expect(await columnsContaining(store.db, OPENAI_KEY)).toEqual([]);
    expect(await columnsContaining(store.db, GITHUB_TOKEN)).toEqual([]);
    expect((await columnsContaining(store.db, '[redacted]')).sort()).toEqual([
      'agent_turns.messages',
      'agent_turns.result',
      'artifacts.content',
      'attempts.files_changed',
      'attempts.summary',
      'check_runs.command',
      'check_runs.output',
      'check_runs.result',
      'memories.content',
      'memories.provenance',
      'memories.tags',
      'quality_snapshots.comparison',
      'quality_snapshots.metrics',
      'results.failure_reason',
      'results.summary',
      'tasks.failure_reason',
    ]);
    // Redacted JSON still reads back through the repositories' parsers and schemas.
    expect((await store.quality.getAttempt(id, 1))?.comparison?.verdict).toBe('regression');
    expect((await store.agentTurns.list(id, 1))[0]?.messages[0]).toMatchObject({
      role: 'assistant',
      text: 'I will print [redacted]',
    });
    expect((await store.checkRuns.list(id))[0]?.output).toBe('stdout:\nKEY=[redacted] token=[redacted]\n');
    expect((await memory.list())[0]?.content).toBe('The test printed KEY=[redacted] token=[redacted]');
  });

  it('caps a 10 MB output, model reply and artifact with a marker, keeping JSON valid and secrets out past the cut', async () => {
    const id = 'huge0001';
    await store.tasks.insert(newTask(id));
    const huge = `${LEAK}\n${'o'.repeat(10 * MB)}\n${LEAK}`;
    const hugeBytes = Buffer.byteLength(huge);
    await store.checkRuns.record({
      taskId: id,
      attempt: 1,
      round: 1,
      name: 'test',
      command: 'yes',
      exitCode: 0,
      passed: true,
      timedOut: false,
      durationMs: 5,
      output: huge,
      outputTruncated: false,
      result: null,
    });
    await store.agentTurns.save({
      taskId: id,
      attempt: 1,
      turn: 1,
      modelType: 'local',
      checkpointSha: null,
      done: true,
      result: null,
      messages: [
        {
          role: 'assistant',
          text: huge,
          toolCalls: [{ id: 'c1', name: 'write_file', input: { path: 'big.txt', content: huge } }],
        },
      ],
    });
    await store.artifacts.put({ id: `${id}/1/transcript`, taskId: id, kind: 'transcript', content: huge });

    const [run] = await store.checkRuns.list(id);
    expect(run!.output.endsWith(`…[truncated: ${hugeBytes} bytes, kept ${256 * 1024}]`)).toBe(true);
    expect(run!.output.startsWith('KEY=[redacted] token=[redacted]\nooo')).toBe(true);

    const rows = await store.db.execute({
      sql: 'SELECT messages, length(CAST(messages AS BLOB)) AS bytes FROM agent_turns WHERE task_id = ?',
      args: [id],
    });
    expect(Number(rows.rows[0]!.bytes)).toBeLessThanOrEqual(MB);
    const [turn] = await store.agentTurns.list(id, 1);
    const message = turn!.messages[0] as { text: string; toolCalls: Array<{ input: { content: string } }> };
    expect(message.text).toMatch(
      new RegExp(`^KEY=\\[redacted\\] token=\\[redacted\\]\\no+…\\[truncated: ${hugeBytes} bytes, kept \\d+\\]$`),
    );
    expect(message.toolCalls[0]!.input.content).toMatch(/…\[truncated: \d+ bytes, kept \d+\]$/);

    const content = (await store.artifacts.get(`${id}/1/transcript`))!;
    expect(content.endsWith(`…[truncated: ${hugeBytes} bytes, kept ${MB}]`)).toBe(true);
    const stored = await store.db.execute({
      sql: 'SELECT bytes FROM artifacts WHERE id = ?',
      args: [`${id}/1/transcript`],
    });
    expect(Number(stored.rows[0]!.bytes)).toBe(Buffer.byteLength(content));

    expect(await columnsContaining(store.db, OPENAI_KEY)).toEqual([]);
    expect(await columnsContaining(store.db, GITHUB_TOKEN)).toEqual([]);
  });
});
