import { afterEach, describe, expect, it } from 'vitest';
import {
  createChatModel,
  ModelAuthError,
  ModelRateLimitError,
  ModelRequestError,
  ModelResponseError,
  ModelServerError,
} from '../../../models/api/index.js';
import type { ChatModel } from '../../../models/chat-model.js';
import type { ChatMessage } from '../../../models/messages.js';
import { createAgentToolbox } from '../../../agent/tools/index.js';
import { deltaGate, expectRejection, sseEvent, startFakeProvider, type FakeProvider } from './fake-provider.js';

const API_KEY = 'or-test-key-0123456789';
const SYSTEM = 'You are a careful engineer.';
const user = (text: string): ChatMessage => ({ role: 'user', text });
const MODEL = 'qwen2.5-coder:7b';
const specs = createAgentToolbox({ worktree: '/nonexistent' }).specs;
const readFileSpec = specs.find((s) => s.name === 'read_file')!;

let provider: FakeProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

const model = (origin: string, apiKey: string | null = API_KEY): ChatModel =>
  createChatModel({
    provider: 'openai-compatible',
    model: MODEL,
    apiKey: apiKey ?? undefined,
    baseUrl: `${origin}/v1`,
    apiKeyEnvVar: 'OPENROUTER_API_KEY',
  });

/** Chat Completions stream chunks, the final usage chunk (stream_options.include_usage) and the [DONE] sentinel. */
const delta = (fields: Record<string, unknown>, finishReason: string | null = null) =>
  sseEvent({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_760_000_000,
    model: MODEL,
    choices: [{ index: 0, delta: fields, finish_reason: finishReason }],
  });
const usageChunk = (prompt: number, completion: number) =>
  sseEvent({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_760_000_000,
    model: MODEL,
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });
const DONE = sseEvent('[DONE]');

describe('openai-compatible ChatModel against a local Chat Completions endpoint', () => {
  it('posts a streaming chat completion asking for usage, with the system message first and function tools', async () => {
    provider = await startFakeProvider(() => ({
      stream: [
        delta({ role: 'assistant', content: 'Hello' }),
        delta({ content: ' there' }),
        delta({}, 'stop'),
        usageChunk(15, 4),
        DONE,
      ],
    }));
    const result = await model(provider.origin).step({
      system: SYSTEM,
      messages: [user('Say hello')],
      tools: specs,
      maxOutputTokens: 1_000,
    });

    expect(result).toMatchObject({
      text: 'Hello there',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 15, outputTokens: 4 },
    });
    expect(provider.requests).toHaveLength(1);
    const [request] = provider.requests;
    expect(request!.url).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.body).toMatchObject({
      model: MODEL,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 1_000,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'Say hello' },
      ],
    });
    expect(request!.body.tools[0]).toEqual({
      type: 'function',
      function: { name: 'read_file', description: readFileSpec.description, parameters: readFileSpec.inputSchema },
    });
  });

  it('sends no Authorization header when no key is configured (a local Ollama)', async () => {
    provider = await startFakeProvider(() => ({
      stream: [delta({ role: 'assistant', content: 'ok' }), delta({}, 'stop'), usageChunk(1, 1), DONE],
    }));
    await model(provider.origin, null).step({ system: SYSTEM, messages: [user('x')], tools: [] });
    expect(provider.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('hands text deltas to onTextDelta while the stream is still open', async () => {
    const gate = deltaGate();
    provider = await startFakeProvider(() => ({
      stream: [
        delta({ role: 'assistant', content: 'first' }),
        gate.wait,
        delta({ content: ' second' }),
        delta({}, 'stop'),
        usageChunk(2, 2),
        DONE,
      ],
    }));
    const result = await model(provider.origin).step({
      system: SYSTEM,
      messages: [user('Stream')],
      tools: [],
      onTextDelta: gate.onDelta,
    });
    expect(gate.deltaArrivedMidStream).toBe(true);
    expect(gate.deltas).toEqual(['first', ' second']);
    expect(result.text).toBe('first second');
  });

  it('assembles streamed tool call arguments and sends results back as tool messages', async () => {
    provider = await startFakeProvider((_request, index) =>
      index === 0
        ? {
            stream: [
              delta({
                role: 'assistant',
                content: null,
                tool_calls: [
                  { index: 0, id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '' } },
                ],
              }),
              delta({ tool_calls: [{ index: 0, function: { arguments: '{"path":' } }] }),
              delta({ tool_calls: [{ index: 0, function: { arguments: '"src/sum.js"}' } }] }),
              delta({}, 'tool_calls'),
              usageChunk(70, 11),
              DONE,
            ],
          }
        : { stream: [delta({ role: 'assistant', content: 'Done.' }), delta({}, 'stop'), usageChunk(99, 2), DONE] },
    );
    const chat = model(provider.origin);
    const first = await chat.step({ system: SYSTEM, messages: [user('Fix sum')], tools: specs });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toEqual([{ id: 'call_1', name: 'read_file', input: { path: 'src/sum.js' } }]);
    expect(first.usage).toEqual({ inputTokens: 70, outputTokens: 11 });

    const messages: ChatMessage[] = [
      user('Fix sum'),
      { role: 'assistant', text: first.text, toolCalls: first.toolCalls },
      {
        role: 'tool',
        results: [{ callId: 'call_1', name: 'read_file', output: 'export const sum = 1;', isError: false }],
      },
    ];
    expect((await chat.step({ system: SYSTEM, messages, tools: specs })).text).toBe('Done.');
    const sent = provider.requests[1]!.body.messages as Array<Record<string, any>>;
    expect(sent[2]).toMatchObject({
      role: 'assistant',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/sum.js"}' } },
      ],
    });
    expect(sent[3]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'export const sum = 1;' });
  });

  it('turns 429 with Retry-After into ModelRateLimitError without retrying itself', async () => {
    provider = await startFakeProvider(() => ({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { error: { message: 'Rate limit exceeded: free-models-per-min', code: 429 } },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelRateLimitError);
    expect(error).toMatchObject({ retryAfterSeconds: 3, provider: 'openai-compatible' });
    expect(provider.requests).toHaveLength(1);
  });

  it('turns 401 into ModelAuthError naming the configured env var', async () => {
    provider = await startFakeProvider(() => ({
      status: 401,
      body: { error: { message: 'No auth credentials found', code: 401 } },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelAuthError);
    expect(error.message).toContain('OPENROUTER_API_KEY');
  });

  it('turns 502 into ModelServerError and 404 (unknown model) into a non-retryable ModelRequestError', async () => {
    provider = await startFakeProvider((_request, index) =>
      index === 0
        ? { status: 502, body: { error: { message: 'Bad gateway' } } }
        : { status: 404, body: { error: { message: `model "${MODEL}" not found, try pulling it first` } } },
    );
    const chat = model(provider.origin);
    expect(await expectRejection(chat.step({ system: SYSTEM, messages: [user('x')], tools: [] }))).toBeInstanceOf(
      ModelServerError,
    );
    const notFound = await expectRejection(chat.step({ system: SYSTEM, messages: [user('x')], tools: [] }));
    expect(notFound).toBeInstanceOf(ModelRequestError);
    expect(notFound).toMatchObject({ retryable: false, statusCode: 404 });
    expect(notFound.message).toContain('not found');
  });

  it('turns a stream that ends without a finish_reason into ModelResponseError', async () => {
    provider = await startFakeProvider(() => ({ stream: [delta({ role: 'assistant', content: 'Hel' })] }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelResponseError);
  });

  it('stops a stream that goes quiet after its first chunk, as a retryable ModelServerError naming the wait', async () => {
    let release: () => void = () => {};
    const stalled = new Promise<void>((resolve) => (release = resolve));
    provider = await startFakeProvider(() => ({
      stream: [delta({ role: 'assistant', content: 'Hel' }), () => stalled],
    }));
    const quiet = createChatModel({
      provider: 'openai-compatible',
      model: MODEL,
      baseUrl: `${provider.origin}/v1`,
      idleTimeoutMs: 1_000,
    });
    const started = Date.now();
    const error = await expectRejection(quiet.step({ system: SYSTEM, messages: [user('x')], tools: [] }));
    release();
    expect(error).toBeInstanceOf(ModelServerError);
    expect(error).toMatchObject({ retryable: true });
    expect(error.message).toBe('openai-compatible sent nothing for 1 s; the stream was stopped');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('turns an unreachable endpoint into a retryable ModelServerError', async () => {
    provider = await startFakeProvider(() => ({ status: 200, body: {} }));
    const { origin } = provider;
    await provider.close();
    provider = undefined;
    const error = await expectRejection(model(origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }));
    expect(error).toBeInstanceOf(ModelServerError);
    expect(error.message).toContain('cannot reach openai-compatible');
  });

  it('needs a base URL', () => {
    expect(() => createChatModel({ provider: 'openai-compatible', model: MODEL })).toThrow(ModelRequestError);
  });
});
