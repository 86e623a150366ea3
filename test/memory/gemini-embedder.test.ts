import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder } from '../../memory/create-embedder.js';
import { EmbedderOptionsError, EmbeddingProviderError } from '../../memory/errors.js';
import {
  fakeVector,
  startEmbeddingServer,
  type EmbeddingServer,
  type RecordedRequest,
  type Reply,
} from './embedding-server.js';

const DIMS = 8;

const geminiReply = (request: RecordedRequest, dimensions = DIMS): Reply => {
  const requests = (request.body as { requests: unknown[] }).requests;
  return { body: { embeddings: requests.map((_, i) => ({ values: fakeVector(i, dimensions) })) } };
};

describe('Gemini embedder against a local HTTP server', () => {
  let server: EmbeddingServer;
  let reply: (request: RecordedRequest) => Reply = (request) => geminiReply(request);

  beforeAll(async () => {
    server = await startEmbeddingServer((request) => reply(request));
  });
  afterAll(() => server?.close());

  const embedder = () => createEmbedder({ kind: 'gemini', dimensions: DIMS, baseUrl: server.url, apiKey: 'gm-key' });

  const failure = async (promise: Promise<unknown>): Promise<EmbeddingProviderError> => {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EmbeddingProviderError);
    return err as EmbeddingProviderError;
  };

  it('posts batchEmbedContents with one request per text, the key in x-goog-api-key and none in the URL', async () => {
    reply = (request) => geminiReply(request);
    server.requests.length = 0;
    const e = embedder();
    expect(e.model).toBe('gemini-embedding-001');
    const vectors = await e.embed(['alpha', 'beta']);

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1beta/models/gemini-embedding-001:batchEmbedContents' });
    expect(request!.headers['x-goog-api-key']).toBe('gm-key');
    expect(request!.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'alpha' }] }, outputDimensionality: DIMS },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'beta' }] }, outputDimensionality: DIMS },
      ],
    });
    expect(vectors.map((v) => Array.from(v))).toEqual(
      [0, 1].map((i) => Array.from(Float32Array.from(fakeVector(i, DIMS)))),
    );
  });

  it('sends at most 100 texts per request', async () => {
    reply = (request) => geminiReply(request);
    server.requests.length = 0;
    const vectors = await embedder().embed(Array.from({ length: 150 }, (_, i) => `t${i}`));
    expect(server.requests.map((r) => (r.body as { requests: unknown[] }).requests.length)).toEqual([100, 50]);
    expect(vectors).toHaveLength(150);
  });

  it("reports a rejected key (403 PERMISSION_DENIED) as not retryable, with Google's message", async () => {
    reply = () => ({
      status: 403,
      body: {
        error: { code: 403, message: 'API key not valid. Please pass a valid API key.', status: 'PERMISSION_DENIED' },
      },
    });
    const err = await failure(embedder().embed(['x']));
    expect(err).toMatchObject({ status: 403, retryable: false });
    expect(err.message).toContain('Gemini embeddings (gemini-embedding-001 at');
    expect(err.message).toContain('API key was rejected (HTTP 403: API key not valid');
  });

  it('reports 401 the same way', async () => {
    reply = () => ({ status: 401, body: { error: { code: 401, message: 'unauthenticated' } } });
    const err = await failure(embedder().embed(['x']));
    expect(err).toMatchObject({ status: 401, retryable: false });
    expect(err.message).toContain('Check the API key');
  });

  it('reports a rate limit (429) with Retry-After', async () => {
    reply = () => ({
      status: 429,
      headers: { 'retry-after': '30' },
      body: { error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } },
    });
    const err = await failure(embedder().embed(['x']));
    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 30 });
    expect(err.message).toContain('retry after 30 s');
    expect(err.message).toContain('Resource has been exhausted');
  });

  it('rejects a malformed payload', async () => {
    reply = () => ({ body: { embedding: { values: fakeVector(0, DIMS) } } });
    const err = await failure(embedder().embed(['x']));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/Gemini embeddings .*malformed response: embeddings/);
  });

  it('rejects vectors of the wrong length', async () => {
    reply = (request) => geminiReply(request, 3072);
    const err = await failure(embedder().embed(['x']));
    expect(err.message).toContain(`returned 3072-dimensional vectors, expected ${DIMS}`);
  });

  it('refuses options without an API key, before any request', () => {
    expect(() => createEmbedder({ kind: 'gemini', dimensions: DIMS } as never)).toThrow(EmbedderOptionsError);
    expect(() => createEmbedder({ kind: 'gemini', dimensions: DIMS } as never)).toThrow(
      /apiKey: the Gemini embedder needs an apiKey/,
    );
  });
});
