import { afterEach, describe, expect, it } from 'vitest';
import {
  createChatModel,
  ModelAuthError,
  ModelRateLimitError,
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

const API_KEY = 'sk-ant-test-0123456789';
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
  createChatModel({ provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: API_KEY, baseUrl: `${origin}/v1` });

const messageStart = (inputTokens: number) =>
  sseEvent(
    {
      type: 'message_start',
      message: {
        id: 'msg_01',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: inputTokens,
          output_tokens: 1,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    },
    'message_start',
  );
const textBlock = (index: number, ...texts: StreamPiece[]): StreamPiece[] => [
  sseEvent({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'),
  ...texts.map((t) =>
    typeof t === 'string'
      ? sseEvent({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } }, 'content_block_delta')
      : t,
  ),
  sseEvent({ type: 'content_block_stop', index }, 'content_block_stop'),
];
const toolUseBlock = (index: number, id: string, name: string, jsonPieces: string[]): StreamPiece[] => [
  sseEvent(
    { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } },
    'content_block_start',
  ),
  ...jsonPieces.map((partial_json) =>
    sseEvent(
      { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
      'content_block_delta',
    ),
  ),
  sseEvent({ type: 'content_block_stop', index }, 'content_block_stop'),
];
const messageEnd = (stopReason: string, outputTokens: number): StreamPiece[] => [
  sseEvent(
    {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: outputTokens },
    },
    'message_delta',
  ),
  sseEvent({ type: 'message_stop' }, 'message_stop'),
];

describe('anthropic ChatModel against a local Messages API', () => {
  it('sends a streaming Messages request with the key, system prompt and tool schemas, and returns text and usage', async () => {
    provider = await startFakeProvider(() => ({
      stream: [messageStart(25), ...textBlock(0, 'Hello', ' there'), ...messageEnd('end_turn', 7)],
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
      usage: { inputTokens: 25, outputTokens: 7 },
    });

    expect(provider.requests).toHaveLength(1);
    const [request] = provider.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/v1/messages');
    expect(request!.headers['x-api-key']).toBe(API_KEY);
    expect(request!.headers['anthropic-version']).toBe('2023-06-01');
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      stream: true,
      max_tokens: 1_000,
      system: [{ type: 'text', text: SYSTEM }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
    });
    expect(request!.body.tools).toHaveLength(specs.length);
    expect(request!.body.tools[0]).toMatchObject({
      name: 'read_file',
      description: readFileSpec.description,
      input_schema: readFileSpec.inputSchema,
    });
  });

  it('hands text deltas to onTextDelta while the stream is still open', async () => {
    const gate = deltaGate();
    provider = await startFakeProvider(() => ({
      stream: [messageStart(5), ...textBlock(0, 'first', gate.wait, ' second'), ...messageEnd('end_turn', 2)],
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

  it('stops at once when the signal aborts, rethrowing the abort reason unclassified', async () => {
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    const neverEnds = () => new Promise<void>(() => {});
    provider = await startFakeProvider(() => ({ stream: [messageStart(5), ...textBlock(0, 'partial', neverEnds)] }));
    const started = Date.now();
    const error = await expectRejection(
      model(provider.origin).step({
        system: SYSTEM,
        messages: [user('x')],
        tools: [],
        signal: controller.signal,
        onTextDelta: () => controller.abort(reason),
      }),
    );
    expect(error).toBe(reason);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('returns tool calls with parsed input, unexecuted, and sends their results back as tool_result blocks', async () => {
    provider = await startFakeProvider((_request, index) =>
      index === 0
        ? {
            stream: [
              messageStart(40),
              ...textBlock(0, 'Let me look.'),
              ...toolUseBlock(1, 'toolu_01', 'read_file', ['{"path":', ' "src/sum.js"}']),
              ...messageEnd('tool_use', 12),
            ],
          }
        : { stream: [messageStart(80), ...textBlock(0, 'Done.'), ...messageEnd('end_turn', 3)] },
    );
    const chat = model(provider.origin);
    const first = await chat.step({ system: SYSTEM, messages: [user('Fix sum')], tools: specs });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toEqual([{ id: 'toolu_01', name: 'read_file', input: { path: 'src/sum.js' } }]);
    expect(first.usage).toEqual({ inputTokens: 40, outputTokens: 12 });

    const messages: ChatMessage[] = [
      user('Fix sum'),
      { role: 'assistant', text: first.text, toolCalls: first.toolCalls },
      { role: 'tool', results: [{ callId: 'toolu_01', name: 'read_file', output: 'no such file', isError: true }] },
    ];
    const second = await chat.step({ system: SYSTEM, messages, tools: specs });
    expect(second.text).toBe('Done.');
    expect(provider.requests[1]!.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Fix sum' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'src/sum.js' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'no such file', is_error: true }],
      },
    ]);
  });

  it('sends a provider-neutral transcript as the same tool_use and tool_result blocks', async () => {
    provider = await startFakeProvider(() => ({
      stream: [messageStart(10), ...textBlock(0, 'ok'), ...messageEnd('end_turn', 1)],
    }));
    const messages: ChatMessage[] = [
      { role: 'user', text: 'Fix sum' },
      {
        role: 'assistant',
        text: '',
        toolCalls: [{ id: 'call-from-another-provider', name: 'read_file', input: { path: 'src/sum.js' } }],
      },
      {
        role: 'tool',
        results: [
          { callId: 'call-from-another-provider', name: 'read_file', output: 'export const sum = 1;', isError: false },
        ],
      },
    ];
    await model(provider.origin).step({ system: SYSTEM, messages, tools: specs });
    expect(provider.requests[0]!.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Fix sum' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call-from-another-provider', name: 'read_file', input: { path: 'src/sum.js' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'call-from-another-provider', content: 'export const sum = 1;' }],
      },
    ]);
  });

  it('reports a tool call whose input is not JSON instead of failing the step', async () => {
    provider = await startFakeProvider(() => ({
      stream: [
        messageStart(5),
        ...toolUseBlock(0, 'toolu_02', 'read_file', ['{"path": "a']),
        ...messageEnd('tool_use', 4),
      ],
    }));
    const result = await model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: specs });
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({ id: 'toolu_02', name: 'read_file', input: '{"path": "a' });
    expect(result.toolCalls[0]!.inputError).toMatch(/.+/);
  });

  it('turns 429 with Retry-After into ModelRateLimitError without retrying itself', async () => {
    provider = await startFakeProvider(() => ({
      status: 429,
      headers: { 'retry-after': '7' },
      body: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'Number of request tokens has exceeded your per-minute rate limit',
        },
      },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelRateLimitError);
    expect(error).toMatchObject({ retryAfterSeconds: 7, retryable: true, provider: 'anthropic', statusCode: 429 });
    expect(error.message).toContain('per-minute rate limit');
    expect(provider.requests).toHaveLength(1);
  });

  it('turns 401 into a non-retryable ModelAuthError naming the env var and never the key', async () => {
    provider = await startFakeProvider(() => ({
      status: 401,
      body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${API_KEY}` } },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelAuthError);
    expect(error).toMatchObject({ retryable: false, statusCode: 401 });
    expect(error.message).toContain('ANTHROPIC_API_KEY');
    expect(error.message).not.toContain(API_KEY);
  });

  it('turns 500 into a retryable ModelServerError after a single request', async () => {
    provider = await startFakeProvider(() => ({
      status: 500,
      body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelServerError);
    expect(error).toMatchObject({ retryable: true, statusCode: 500 });
    expect(provider.requests).toHaveLength(1);
  });

  it('turns an overloaded_error event in the stream into ModelServerError', async () => {
    provider = await startFakeProvider(() => ({
      stream: [
        messageStart(5),
        ...textBlock(0, 'partial'),
        sseEvent({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'),
      ],
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelServerError);
    expect(error.message).toContain('Overloaded');
  });

  it('turns a stream cut off before message_stop into ModelResponseError', async () => {
    provider = await startFakeProvider(() => ({ stream: [messageStart(5), ...textBlock(0, 'half an ans')] }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelResponseError);
    expect(error.message).toContain('before the response was complete');
  });

  it('turns a malformed event into ModelResponseError', async () => {
    provider = await startFakeProvider(() => ({
      stream: [messageStart(5), 'event: content_block_start\ndata: {"type": "content_block_start", "index": \n\n'],
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelResponseError);
  });

  it('refuses to start without an API key, naming the variable', () => {
    expect(() =>
      createChatModel({ provider: 'anthropic', model: 'claude-sonnet-4-5', apiKeyEnvVar: 'MY_CLAUDE_KEY' }),
    ).toThrow(ModelAuthError);
    expect(() =>
      createChatModel({ provider: 'anthropic', model: 'claude-sonnet-4-5', apiKeyEnvVar: 'MY_CLAUDE_KEY' }),
    ).toThrow('MY_CLAUDE_KEY');
  });
});
