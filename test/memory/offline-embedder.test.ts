import { describe, expect, it } from 'vitest';
import { createEmbedder } from '../../memory/create-embedder.js';
import { EmbedderOptionsError } from '../../memory/errors.js';
import { createOfflineEmbedder, words } from '../../memory/offline-embedder.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const norm = (v: Float32Array) => Math.sqrt(cosine(v, v));

describe('offline feature-hashing embedder', () => {
  const embedder = createOfflineEmbedder({ dimensions: 256 });

  it('is named offline-hash-v1 and makes vectors of the requested size', async () => {
    expect(embedder.model).toBe('offline-hash-v1');
    const [v] = await embedder.embed(['anything']);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v).toHaveLength(256);
  });

  it('is deterministic across calls and instances', async () => {
    const text = 'The farewell test fails: expected "Goodbye" but got "bye"';
    const [a] = await embedder.embed([text]);
    const [b] = await createOfflineEmbedder({ dimensions: 256 }).embed([text]);
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });

  it('returns unit vectors, also for punctuation-only and stopword-only text', async () => {
    const vectors = await embedder.embed(['Fix the parser for nested arrays', '!!!', 'the of and', 'x']);
    for (const v of vectors) expect(norm(v)).toBeCloseTo(1, 5);
  });

  it('ranks texts sharing words and subwords above unrelated ones', async () => {
    const [query, related, unrelated] = await embedder.embed([
      'farewell test fails: expected Goodbye with a capital G',
      'The farewell function failed its test because it returned goodbye in lowercase',
      'Configure the Postgres connection pool size for the billing service',
    ]);
    expect(cosine(query!, related!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.2);
  });

  it('splits camelCase and snake_case identifiers into their words', async () => {
    expect(words('parseConfigFile read_json_file HTTPServer')).toEqual([
      'parse',
      'config',
      'file',
      'parseconfigfile',
      'read',
      'json',
      'file',
      'readjsonfile',
      'http',
      'server',
      'httpserver',
    ]);
    const [identifier, prose] = await embedder.embed(['parseConfigFile', 'parse the config file']);
    expect(cosine(identifier!, prose!)).toBeGreaterThan(0.5);
  });

  it('is what createEmbedder builds for kind "offline", and it refuses a foreign model name', async () => {
    const built = createEmbedder({ kind: 'offline', dimensions: 64 });
    expect(built.model).toBe('offline-hash-v1');
    expect(built.dimensions).toBe(64);
    expect(() => createEmbedder({ kind: 'offline', dimensions: 64, model: 'text-embedding-3-small' } as never)).toThrow(
      EmbedderOptionsError,
    );
    expect(() => createEmbedder({ kind: 'offline', dimensions: 4 })).toThrow(
      /dimensions: dimensions must be at least 8/,
    );
    expect(() => createEmbedder({ kind: 'bert' } as never)).toThrow(/invalid embedder options: kind/);
  });
});
