import type { BenchDb } from './bench-db.js';

export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
};

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

export interface SearchFigures {
  indexMs: number[];
  exactMs: number[];
  /** Mean share of the exact top-k that the index path also returned. */
  recall: number;
  /** Mean similarity of each query's nearest and k-th nearest memory (exact): how close the data is. */
  nearest: number;
  kth: number;
}

/**
 * Runs each query through `vectorSearch` twice — the vector index path and the exact scan — timing
 * both and comparing their top-k. Both include the statement that marks the hits accessed.
 */
export async function measureSearch(
  bench: BenchDb,
  queries: Float32Array[],
  k: number,
  exactQueries = queries.length,
): Promise<SearchFigures> {
  const indexMs: number[] = [];
  const exactMs: number[] = [];
  const recalls: number[] = [];
  const nearest: number[] = [];
  const kth: number[] = [];
  for (const [i, embedding] of queries.entries()) {
    let t = performance.now();
    const viaIndex = await bench.store.vectorSearch({ embedding, limit: k, threshold: -1 });
    indexMs.push(performance.now() - t);
    if (i >= exactQueries) continue;
    t = performance.now();
    const exact = await bench.store.vectorSearch({ embedding, limit: k, threshold: -1, exact: true });
    exactMs.push(performance.now() - t);
    const truth = new Set(exact.map((h) => h.memory.id));
    recalls.push(viaIndex.filter((h) => truth.has(h.memory.id)).length / Math.max(truth.size, 1));
    nearest.push(exact[0]?.similarity ?? NaN);
    kth.push(exact.at(-1)?.similarity ?? NaN);
  }
  return { indexMs, exactMs, recall: mean(recalls), nearest: mean(nearest), kth: mean(kth) };
}

/** `store()` latencies, with its near-duplicate check, for `count` new memories. */
export async function measureStore(
  bench: BenchDb,
  next: () => Float32Array,
  count: number,
): Promise<{ ms: number[]; merged: number }> {
  const ms: number[] = [];
  let merged = 0;
  for (let i = 0; i < count; i++) {
    const content = `stored memory ${bench.rows}`;
    bench.preset(content, next());
    const t = performance.now();
    const result = await bench.store.store({ content, type: 'learning' });
    ms.push(performance.now() - t);
    bench.rows++;
    if (result.merged) merged++;
  }
  return { ms, merged };
}

/** Mean cosine similarity of random pairs: the data's background level. */
export function randomPairSimilarity(vectors: Float32Array[]): number {
  const sims: number[] = [];
  for (let i = 0; i + 1 < vectors.length; i += 2)
    sims.push(vectors[i]!.reduce((s, x, j) => s + x * vectors[i + 1]![j]!, 0));
  return mean(sims);
}
