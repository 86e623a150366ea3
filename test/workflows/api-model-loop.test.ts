import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';
import {
  sseEvent,
  startFakeProvider,
  type FakeProvider,
  type FakeReply,
  type RecordedRequest,
} from '../models/api/fake-provider.js';

const API_KEY = 'sk-custom-test-0123456789abcdef';
const MODEL = 'qwen2.5-coder:7b';
const MUL = 'export const mul = (a, b) => a * b;\n';

const chunk = (fields: Record<string, unknown>, finishReason: string | null = null) =>
  sseEvent({
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1_760_000_000,
    model: MODEL,
    choices: [{ index: 0, delta: fields, finish_reason: finishReason }],
  });
const usage = (prompt: number, completion: number) =>
  sseEvent({
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1_760_000_000,
    model: MODEL,
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });
const toolCall = (id: string, name: string, args: unknown): FakeReply => ({
  stream: [
    chunk({
      role: 'assistant',
      content: null,
      tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify(args) } }] }),
    chunk({}, 'tool_calls'),
    usage(1_000, 50),
    sseEvent('[DONE]'),
  ],
});

/** A scripted OpenAI-compatible server: per task (by title), a 429 first, then write_file, then finish; or a 401. */
function script(request: RecordedRequest, seen: Map<string, number>): FakeReply {
  const user = JSON.stringify(request.body?.messages ?? []);
  if (user.includes('Rejected key'))
    return {
      status: 401,
      body: {
        error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' },
      },
    };
  const n = seen.get('mul') ?? 0;
  seen.set('mul', n + 1);
  if (n === 0)
    return {
      status: 429,
      body: { error: { message: 'Rate limit reached', type: 'requests' } },
      headers: { 'retry-after': '2' },
    };
  if (n === 1) return toolCall('call_1', 'write_file', { path: 'src/mul.js', content: MUL });
  return toolCall('call_2', 'finish', { summary: 'added mul', success: true });
}

describe('an API model driving the durable agent loop (OpenAI-compatible wire format, local server)', () => {
  let stack: TestStack;
  let provider: FakeProvider;
  beforeAll(async () => {
    const seen = new Map<string, number>();
    provider = await startFakeProvider((request) => script(request, seen));
    const dir = tempDir('api-config');
    const configFile = path.join(dir, 'swarm.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        models: {
          custom: {
            adapter: 'openai-compatible',
            model: MODEL,
            baseUrl: `${provider.origin}/v1`,
            apiKeyEnv: 'CUSTOM_API_KEY',
            skills: ['javascript'],
            pricing: { inputPerMTok: 2, outputPerMTok: 8 },
          },
        },
      }),
    );
    stack = await createTestStack({ configFile, env: { CUSTOM_API_KEY: API_KEY } });
  });
  afterAll(async () => {
    await stack?.teardown();
    await provider?.close();
  });

  it('completes a task, honouring Retry-After, accounting tokens and cost, and keeping the key out of history', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('api-repo'), 'repo'), nodeProjectFiles());
    const worker = await stack.createWorker('custom');
    const task = await worker.runUntil(async () => {
      const task = await stack.client.createTask({
        title: 'Add mul',
        description: 'Add a mul(a, b) function in src/mul.js.',
        repo,
      });
      await stack.testEnv.client.workflow.getHandle(task.workflowId).result();
      return task;
    });
    expect(task.modelType).toBe('custom');
    expect(await git(repo, ['show', 'main:src/mul.js'])).toBe(MUL.trimEnd());

    const calls = provider.requests.filter((r) => !JSON.stringify(r.body).includes('Rejected key'));
    expect(calls).toHaveLength(3);
    expect(calls[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(calls[0]!.body).toMatchObject({ model: MODEL, stream: true });
    expect(calls[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain('write_file');
    // The third request carries the tool result of the second turn back to the model.
    expect(calls[2]!.body.messages).toContainEqual(expect.objectContaining({ role: 'tool', tool_call_id: 'call_1' }));

    const recorded = await stack.store.modelCalls.listForTask(task.id);
    expect(recorded.map((c) => [c.turn, c.provider, c.model, c.inputTokens, c.outputTokens])).toEqual([
      [1, 'openai-compatible', MODEL, 1_000, 50],
      [2, 'openai-compatible', MODEL, 1_000, 50],
    ]);
    expect(recorded[0]!.try).toBe(2); // the first try met the 429
    expect(recorded[0]!.costUsd).toBeCloseTo((1_000 * 2 + 50 * 8) / 1e6, 10);
    const shown = await stack.client.showTask(task.id);
    expect(shown?.usage).toMatchObject({ calls: 2, inputTokens: 2_000, outputTokens: 100 });

    const history = JSON.stringify(await stack.testEnv.client.workflow.getHandle(task.workflowId).fetchHistory());
    expect(history).toContain('ModelRateLimitError');
    expect(history).not.toContain(API_KEY);
    const rows = JSON.stringify((await stack.store.db.execute('SELECT * FROM artifacts')).rows);
    expect(rows).not.toContain(API_KEY);
  });

  it('fails a task at once, with the reason stored, when the provider rejects the key', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('api-auth'), 'repo'), nodeProjectFiles());
    const worker = await stack.createWorker('custom');
    const before = provider.requests.length;
    const task = await stack.client.createTask({ title: 'Rejected key', description: 'anything', repo });
    const outcome = await worker.runUntil(
      stack.testEnv.client.workflow
        .getHandle(task.workflowId)
        .result()
        .catch((e: unknown) => e),
    );
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect(provider.requests.length - before).toBe(1); // not retried
    const result = await stack.store.results.get(task.id);
    expect(result?.status).toBe('failed');
    expect(result?.failureReason).toMatch(/CUSTOM_API_KEY/);
    expect(result?.failureReason).not.toContain(API_KEY);
  });
});
