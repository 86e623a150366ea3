import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder } from '../../memory/create-embedder.js';
import { EmbeddingProviderError } from '../../memory/errors.js';
import {
  fakeVector,
  startEmbeddingServer,
  type EmbeddingServer,
  type RecordedRequest,
  type Reply,
} from './embedding-server.js';

const DIMS = 8;

/** Answers like the OpenAI API, deliberately listing the vectors in reverse input order. */
const openAiReply = (request: RecordedRequest, dimensions = DIMS): Reply => {
  const input = (request.body as { input: string[] }).input;
  const data = input
    .map((_, index) => ({ object: 'embedding', index, embedding: fakeVector(index, dimensions) }))
    .reverse();
  return {
    body: { object: 'list', data, model: 'text-embedding-3-small', usage: { prompt_tokens: 3, total_tokens: 3 } },
  };
};

describe('OpenAI-compatible embedder against a local HTTP server', () => {
  let server: EmbeddingServer;
  let reply: (request: RecordedRequest) => Reply = (request) => openAiReply(request);

  beforeAll(async () => {
    server = await startEmbeddingServer((request) => reply(request));
  });
  afterAll(() => server?.close());

  const embedder = (overrides: Record<string, unknown> = {}) =>
    createEmbedder({ kind: 'openai', dimensions: DIMS, baseUrl: `${server.url}/v1/`, apiKey: 'sk-test', ...overrides });

  const failure = async (promise: Promise<unknown>): Promise<EmbeddingProviderError> => {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EmbeddingProviderError);
    return err as EmbeddingProviderError;
  };

  it('posts model, input, dimensions and the bearer key to {baseUrl}/embeddings and returns vectors in input order', async () => {
    reply = (request) => openAiReply(request);
    server.requests.length = 0;
    const vectors = await embedder().embed(['first text', 'second text']);

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/embeddings' });
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['first text', 'second text'],
      encoding_format: 'float',
      dimensions: DIMS,
    });
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toBeInstanceOf(Float32Array);
    expect(Array.from(vectors[0]!)).toEqual(Array.from(Float32Array.from(fakeVector(0, DIMS))));
    expect(Array.from(vectors[1]!)).toEqual(Array.from(Float32Array.from(fakeVector(1, DIMS))));
  });

  it('sends no authorization header without a key, and no dimensions field when told not to (Ollama, vLLM)', async () => {
    reply = (request) => openAiReply(request);
    server.requests.length = 0;
    const local = createEmbedder({
      kind: 'openai',
      model: 'nomic-embed-text',
      dimensions: DIMS,
      baseUrl: `${server.url}/v1`,
      sendDimensions: false,
    });
    expect(local.model).toBe('nomic-embed-text');
    await local.embed(['x']);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.body).toEqual({ model: 'nomic-embed-text', input: ['x'], encoding_format: 'float' });
  });

  it('splits large inputs into several requests and keeps the order', async () => {
    reply = (request) => openAiReply(request);
    server.requests.length = 0;
    const texts = Array.from({ length: 300 }, (_, i) => `text ${i}`);
    const vectors = await embedder().embed(texts);
    expect(server.requests.map((r) => (r.body as { input: string[] }).input.length)).toEqual([256, 44]);
    expect(vectors).toHaveLength(300);
    // The second request's first vector is that request's index 0.
    expect(Array.from(vectors[256]!)).toEqual(Array.from(Float32Array.from(fakeVector(0, DIMS))));
  });

  it('reports a rejected key (401) as not retryable, naming the provider', async () => {
    reply = () => ({
      status: 401,
      body: { error: { message: 'Incorrect API key provided: sk-test', type: 'invalid_request_error' } },
    });
    const err = await failure(embedder().embed(['x']));
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('OpenAI-compatible embeddings (text-embedding-3-small at');
    expect(err.message).toContain('API key was rejected');
    expect(err.message).toContain('Incorrect API key provided');
    expect(err.message).toContain('retrying will not help');
  });

  it('reports a rate limit (429) as retryable with the Retry-After seconds', async () => {
    reply = () => ({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { message: 'Rate limit reached' } },
    });
    const err = await failure(embedder().embed(['x']));
    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 7 });
    expect(err.message).toContain('rate limited');
    expect(err.message).toContain('retry after 7 s');
  });

  it('reports server errors (5xx) as retryable, with the server message', async () => {
    reply = () => ({ status: 503, body: { error: { message: 'The server is overloaded' } } });
    const err = await failure(embedder().embed(['x']));
    expect(err).toMatchObject({ status: 503, retryable: true, retryAfterSeconds: null });
    expect(err.message).toContain('HTTP 503: The server is overloaded');
  });

  it('rejects a malformed payload, naming the bad field', async () => {
    reply = () => ({ body: { data: [{ index: 0, embedding: 'not a vector' }] } });
    const err = await failure(embedder().embed(['x']));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/malformed response: data\.0\.embedding/);

    reply = () => ({ body: '<html>gateway</html>', headers: { 'content-type': 'text/html' } });
    const notJson = await failure(embedder().embed(['x']));
    expect(notJson.message).toContain('malformed response, not JSON: <html>gateway</html>');
  });

  it('rejects vectors of the wrong length, naming both sizes', async () => {
    reply = (request) => openAiReply(request, 3);
    const err = await failure(embedder().embed(['x']));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`returned 3-dimensional vectors, expected ${DIMS}`);
  });

  it('rejects an answer with fewer vectors than texts', async () => {
    reply = () => ({ body: { data: [{ index: 0, embedding: fakeVector(0, DIMS) }] } });
    const err = await failure(embedder().embed(['x', 'y']));
    expect(err.message).toContain('returned 1 embeddings for 2 texts');
  });

  it('lets the caller cancel: an aborted signal rejects with the abort reason, not a provider error', async () => {
    reply = (request) => openAiReply(request);
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the workflow'));
    await expect(embedder().embed(['x'], controller.signal)).rejects.toThrow('cancelled by the workflow');
  });

  it('reports an unreachable server as retryable', async () => {
    const gone = createEmbedder({ kind: 'openai', dimensions: DIMS, baseUrl: 'http://127.0.0.1:9/v1' });
    const err = await failure(gone.embed(['x']));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('cannot reach http://127.0.0.1:9/v1/embeddings');
  });
});
