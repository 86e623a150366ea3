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
import {
  deltaGate,
  expectRejection,
  sseEvent,
  startFakeProvider,
  type FakeProvider,
  type StreamPiece,
} from './fake-provider.js';

const API_KEY = 'sk-proj-test-0123456789';
const SYSTEM = 'You are a careful engineer.';
const user = (text: string): ChatMessage => ({ role: 'user', text });
const specs = createAgentToolbox({ worktree: '/nonexistent' }).specs;
const readFileSpec = specs.find((s) => s.name === 'read_file')!;

let provider: FakeProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

const model = (origin: string): ChatModel =>
  createChatModel({ provider: 'openai', model: 'gpt-4.1', apiKey: API_KEY, baseUrl: `${origin}/v1` });

/** Responses API streaming events: each SSE event names its type and carries a sequence number. */
let sequence = 0;
const event = (type: string, fields: Record<string, unknown>) =>
  sseEvent({ type, sequence_number: sequence++, ...fields }, type);

const created = () =>
  event('response.created', {
    response: {
      id: 'resp_1',
      object: 'response',
      created_at: 1_760_000_000,
      model: 'gpt-4.1',
      status: 'in_progress',
      output: [],
    },
  });
const messageItem = (index: number, ...texts: StreamPiece[]): StreamPiece[] => {
  const full = texts.filter((t): t is string => typeof t === 'string').join('');
  return [
    event('response.output_item.added', {
      output_index: index,
      item: { type: 'message', id: `msg_${index}`, status: 'in_progress', role: 'assistant', content: [] },
    }),
    event('response.content_part.added', {
      item_id: `msg_${index}`,
      output_index: index,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    }),
    ...texts.map((t) =>
      typeof t === 'string'
        ? event('response.output_text.delta', {
            item_id: `msg_${index}`,
            output_index: index,
            content_index: 0,
            delta: t,
            logprobs: [],
          })
        : t,
    ),
    event('response.output_text.done', {
      item_id: `msg_${index}`,
      output_index: index,
      content_index: 0,
      text: full,
      logprobs: [],
    }),
    event('response.output_item.done', {
      output_index: index,
      item: {
        type: 'message',
        id: `msg_${index}`,
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: full, annotations: [] }],
      },
    }),
  ];
};
const functionCallItem = (index: number, callId: string, name: string, pieces: string[]): StreamPiece[] => [
  event('response.output_item.added', {
    output_index: index,
    item: { type: 'function_call', id: `fc_${index}`, call_id: callId, name, arguments: '', status: 'in_progress' },
  }),
  ...pieces.map((delta) =>
    event('response.function_call_arguments.delta', { item_id: `fc_${index}`, output_index: index, delta }),
  ),
  event('response.function_call_arguments.done', {
    item_id: `fc_${index}`,
    output_index: index,
    arguments: pieces.join(''),
  }),
  event('response.output_item.done', {
    output_index: index,
    item: {
      type: 'function_call',
      id: `fc_${index}`,
      call_id: callId,
      name,
      arguments: pieces.join(''),
      status: 'completed',
    },
  }),
];
const completed = (inputTokens: number, outputTokens: number) =>
  event('response.completed', {
    response: {
      id: 'resp_1',
      object: 'response',
      created_at: 1_760_000_000,
      model: 'gpt-4.1',
      status: 'completed',
      output: [],
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
    },
  });

describe('openai ChatModel against a local Responses API', () => {
  it('sends a streaming Responses request with the bearer key, system message and function tools, and returns text and usage', async () => {
    provider = await startFakeProvider(() => ({
      stream: [created(), ...messageItem(0, 'Hello', ' there'), completed(30, 9)],
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
      usage: { inputTokens: 30, outputTokens: 9 },
    });
    expect(provider.requests).toHaveLength(1);
    const [request] = provider.requests;
    expect(request!.url).toBe('/v1/responses');
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.body).toMatchObject({
      model: 'gpt-4.1',
      stream: true,
      max_output_tokens: 1_000,
      input: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: [{ type: 'input_text', text: 'Say hello' }] },
      ],
    });
    expect(request!.body.tools).toHaveLength(specs.length);
    expect(request!.body.tools[0]).toMatchObject({
      type: 'function',
      name: 'read_file',
      description: readFileSpec.description,
      parameters: readFileSpec.inputSchema,
    });
  });

  it('hands text deltas to onTextDelta while the stream is still open', async () => {
    const gate = deltaGate();
    provider = await startFakeProvider(() => ({
      stream: [created(), ...messageItem(0, 'first', gate.wait, ' second'), completed(3, 2)],
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

  it('returns function calls with parsed input and sends their results back as function_call_output items', async () => {
    provider = await startFakeProvider((_request, index) =>
      index === 0
        ? {
            stream: [
              created(),
              ...functionCallItem(0, 'call_abc', 'read_file', ['{"path"', ':"src/sum.js"}']),
              completed(50, 14),
            ],
          }
        : { stream: [created(), ...messageItem(0, 'Done.'), completed(90, 2)] },
    );
    const chat = model(provider.origin);
    const first = await chat.step({ system: SYSTEM, messages: [user('Fix sum')], tools: specs });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toEqual([{ id: 'call_abc', name: 'read_file', input: { path: 'src/sum.js' } }]);
    expect(first.usage).toEqual({ inputTokens: 50, outputTokens: 14 });

    const messages: ChatMessage[] = [
      user('Fix sum'),
      { role: 'assistant', text: first.text, toolCalls: first.toolCalls },
      {
        role: 'tool',
        results: [{ callId: 'call_abc', name: 'read_file', output: 'export const sum = 1;', isError: false }],
      },
    ];
    expect((await chat.step({ system: SYSTEM, messages, tools: specs })).text).toBe('Done.');
    const input = provider.requests[1]!.body.input as Array<Record<string, unknown>>;
    expect(input).toContainEqual({
      type: 'function_call_output',
      call_id: 'call_abc',
      output: 'export const sum = 1;',
    });
    // A neutral transcript holds no provider item ids, so the call itself goes back in full.
    expect(input).toContainEqual(
      expect.objectContaining({ type: 'function_call', call_id: 'call_abc', name: 'read_file' }),
    );
  });

  it('turns 429 with Retry-After into ModelRateLimitError without retrying itself', async () => {
    provider = await startFakeProvider(() => ({
      status: 429,
      headers: { 'retry-after': '12', 'x-ratelimit-reset-requests': '1s' },
      body: {
        error: {
          message: 'Rate limit reached for gpt-4.1',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelRateLimitError);
    expect(error).toMatchObject({ retryAfterSeconds: 12, statusCode: 429, provider: 'openai' });
    expect(provider.requests).toHaveLength(1);
  });

  it('uses x-ratelimit-reset-* when a 429 has no Retry-After', async () => {
    provider = await startFakeProvider(() => ({
      status: 429,
      headers: { 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' },
      body: { error: { message: 'Rate limit reached', type: 'tokens', param: null, code: 'rate_limit_exceeded' } },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toMatchObject({ retryAfterSeconds: 360 });
  });

  it('treats 429 insufficient_quota as a non-retryable request error, not a rate limit', async () => {
    provider = await startFakeProvider(() => ({
      status: 429,
      body: {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelRequestError);
    expect(error).toMatchObject({ retryable: false, statusCode: 429 });
  });

  it('turns 401 into ModelAuthError naming OPENAI_API_KEY and never the key', async () => {
    provider = await startFakeProvider(() => ({
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${API_KEY}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelAuthError);
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).not.toContain(API_KEY);
  });

  it('turns 503 into a retryable ModelServerError after a single request', async () => {
    provider = await startFakeProvider(() => ({
      status: 503,
      body: { error: { message: 'The server is overloaded', type: 'server_error', param: null, code: null } },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelServerError);
    expect(error).toMatchObject({ statusCode: 503, retryable: true });
    expect(provider.requests).toHaveLength(1);
  });

  it('classifies response.failed events by their error code', async () => {
    const failed = (code: string, message: string) =>
      event('response.failed', {
        response: {
          id: 'resp_1',
          object: 'response',
          created_at: 1_760_000_000,
          model: 'gpt-4.1',
          status: 'failed',
          output: [],
          error: { code, message },
        },
      });
    provider = await startFakeProvider((_request, index) => ({
      stream: [
        created(),
        index === 0
          ? failed('server_error', 'The model failed to generate a response.')
          : failed('rate_limit_exceeded', 'Slow down.'),
      ],
    }));
    const chat = model(provider.origin);
    const serverError = await expectRejection(chat.step({ system: SYSTEM, messages: [user('x')], tools: [] }));
    expect(serverError).toBeInstanceOf(ModelServerError);
    expect(serverError.message).toContain('The model failed to generate a response.');
    expect(await expectRejection(chat.step({ system: SYSTEM, messages: [user('x')], tools: [] }))).toBeInstanceOf(
      ModelRateLimitError,
    );
  });

  it('turns a stream cut off before response.completed into ModelResponseError', async () => {
    provider = await startFakeProvider(() => ({
      stream: [
        created(),
        event('response.output_item.added', {
          output_index: 0,
          item: { type: 'message', id: 'm', status: 'in_progress', role: 'assistant', content: [] },
        }),
      ],
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelResponseError);
  });
});
