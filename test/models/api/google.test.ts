import { afterEach, describe, expect, it } from 'vitest';
import {
  createChatModel,
  ModelAuthError,
  ModelRateLimitError,
  ModelRequestError,
  ModelServerError,
} from '../../../models/api/index.js';
import type { ChatModel } from '../../../models/chat-model.js';
import type { ChatMessage } from '../../../models/messages.js';
import { createAgentToolbox } from '../../../agent/tools/index.js';
import { deltaGate, expectRejection, sseEvent, startFakeProvider, type FakeProvider } from './fake-provider.js';

const API_KEY = 'AIzaSy-test-0123456789';
const SYSTEM = 'You are a careful engineer.';
const user = (text: string): ChatMessage => ({ role: 'user', text });
const MODEL = 'gemini-2.5-pro';
const specs = createAgentToolbox({ worktree: '/nonexistent' }).specs;

let provider: FakeProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

const model = (origin: string): ChatModel =>
  createChatModel({ provider: 'google', model: MODEL, apiKey: API_KEY, baseUrl: `${origin}/v1beta` });

const usage = (prompt: number, candidates: number) => ({
  promptTokenCount: prompt,
  candidatesTokenCount: candidates,
  totalTokenCount: prompt + candidates,
});
/** One streamGenerateContent SSE chunk: a candidate with parts, and usage so far. */
const chunk = (parts: unknown[], options: { finishReason?: string; prompt?: number; candidates?: number } = {}) =>
  sseEvent({
    candidates: [
      {
        content: { parts, role: 'model' },
        index: 0,
        ...(options.finishReason ? { finishReason: options.finishReason } : {}),
      },
    ],
    usageMetadata: usage(options.prompt ?? 0, options.candidates ?? 0),
    modelVersion: MODEL,
    responseId: 'resp-1',
  });

describe('google ChatModel against a local Gemini API', () => {
  it('calls streamGenerateContent with alt=sse, the x-goog-api-key header, systemInstruction and function declarations', async () => {
    provider = await startFakeProvider(() => ({
      stream: [
        chunk([{ text: 'Hello' }], { prompt: 20, candidates: 1 }),
        chunk([{ text: ' there' }], { finishReason: 'STOP', prompt: 20, candidates: 6 }),
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
      usage: { inputTokens: 20, outputTokens: 6 },
    });
    expect(provider.requests).toHaveLength(1);
    const [request] = provider.requests;
    expect(request!.url).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    expect(request!.headers['x-goog-api-key']).toBe(API_KEY);
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.body).toMatchObject({
      systemInstruction: { parts: [{ text: SYSTEM }] },
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      generationConfig: { maxOutputTokens: 1_000 },
    });
    const declarations = request!.body.tools[0].functionDeclarations as Array<Record<string, any>>;
    expect(declarations.map((d) => d.name)).toEqual(specs.map((s) => s.name));
    expect(declarations[0]).toMatchObject({
      name: 'read_file',
      parameters: { type: 'object', required: ['path'], properties: { path: { type: 'string' } } },
    });
  });

  it('hands text deltas to onTextDelta while the stream is still open', async () => {
    const gate = deltaGate();
    provider = await startFakeProvider(() => ({
      stream: [
        chunk([{ text: 'first' }]),
        gate.wait,
        chunk([{ text: ' second' }], { finishReason: 'STOP', prompt: 3, candidates: 2 }),
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

  it('returns function calls with their args and sends the results back as functionResponse parts', async () => {
    provider = await startFakeProvider((_request, index) =>
      index === 0
        ? {
            stream: [
              chunk([{ functionCall: { name: 'read_file', args: { path: 'src/sum.js' } } }], {
                finishReason: 'STOP',
                prompt: 60,
                candidates: 8,
              }),
            ],
          }
        : { stream: [chunk([{ text: 'Done.' }], { finishReason: 'STOP', prompt: 90, candidates: 2 })] },
    );
    const chat = model(provider.origin);
    const first = await chat.step({ system: SYSTEM, messages: [user('Fix sum')], tools: specs });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toHaveLength(1);
    expect(first.toolCalls[0]).toMatchObject({ name: 'read_file', input: { path: 'src/sum.js' } });
    expect(first.toolCalls[0]!.id).toMatch(/.+/);
    expect(first.usage).toEqual({ inputTokens: 60, outputTokens: 8 });

    const call = first.toolCalls[0]!;
    const messages: ChatMessage[] = [
      user('Fix sum'),
      { role: 'assistant', text: first.text, toolCalls: first.toolCalls },
      {
        role: 'tool',
        results: [{ callId: call.id, name: call.name, output: 'export const sum = 1;', isError: false }],
      },
    ];
    expect((await chat.step({ system: SYSTEM, messages, tools: specs })).text).toBe('Done.');
    const contents = provider.requests[1]!.body.contents as Array<{ role: string; parts: Array<Record<string, any>> }>;
    expect(contents[1]).toMatchObject({
      role: 'model',
      parts: [{ functionCall: { name: 'read_file', args: { path: 'src/sum.js' } } }],
    });
    expect(contents[2]!.role).toBe('user');
    expect(contents[2]!.parts[0]!.functionResponse).toMatchObject({ name: 'read_file' });
    expect(JSON.stringify(contents[2]!.parts[0]!.functionResponse.response)).toContain('export const sum = 1;');
  });

  it('turns 429 with an HTTP-date Retry-After into ModelRateLimitError', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    provider = await startFakeProvider(() => ({
      status: 429,
      headers: { 'retry-after': inAMinute },
      body: {
        error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' },
      },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelRateLimitError);
    const wait = (error as ModelRateLimitError).retryAfterSeconds!;
    expect(wait).toBeGreaterThanOrEqual(55);
    expect(wait).toBeLessThanOrEqual(61);
    expect(provider.requests).toHaveLength(1);
  });

  it('reads the RetryInfo delay from a 429 body without Retry-After', async () => {
    provider = await startFakeProvider(() => ({
      status: 429,
      body: {
        error: {
          code: 429,
          message: 'You exceeded your current quota.',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' }],
        },
      },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toMatchObject({ retryAfterSeconds: 31, statusCode: 429 });
  });

  it.each([
    [
      401,
      { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } },
    ],
    [403, { error: { code: 403, message: `Permission denied for ${API_KEY}`, status: 'PERMISSION_DENIED' } }],
    [
      400,
      {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
            },
          ],
        },
      },
    ],
  ])(
    'turns HTTP %i for a bad key into ModelAuthError naming GEMINI_API_KEY and never the key',
    async (status, body) => {
      provider = await startFakeProvider(() => ({ status, body }));
      const error = await expectRejection(
        model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
      );
      expect(error).toBeInstanceOf(ModelAuthError);
      expect(error).toMatchObject({ statusCode: status, retryable: false });
      expect(error.message).toContain('GEMINI_API_KEY');
      expect(error.message).not.toContain(API_KEY);
    },
  );

  it('keeps other 400s as non-retryable request errors', async () => {
    provider = await startFakeProvider(() => ({
      status: 400,
      body: { error: { code: 400, message: 'The input token count exceeds the maximum.', status: 'INVALID_ARGUMENT' } },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelRequestError);
    expect(error.message).toContain('exceeds the maximum');
  });

  it('turns 500 into ModelServerError after a single request', async () => {
    provider = await startFakeProvider(() => ({
      status: 500,
      body: { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } },
    }));
    const error = await expectRejection(
      model(provider.origin).step({ system: SYSTEM, messages: [user('x')], tools: [] }),
    );
    expect(error).toBeInstanceOf(ModelServerError);
    expect(provider.requests).toHaveLength(1);
  });
});
