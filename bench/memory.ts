// `npm run bench -- memory [--sizes 10000,100000] [--sweep]`: insert rate, search latency and recall@10
// of the memories table's vector index, on a local libSQL file. Not part of `npm test`.
//
//   --sizes a,b,…       memory counts to measure at; the table grows from one to the next (default 10000,100000)
//   --dims n            embedding dimensions (default 1536)
//   --queries n         search queries per size (default 50); each runs via the index and as an exact scan
//   --data topics|isotropic   synthetic data model (default topics; see bench/memory/synthetic-vectors.ts)
//   --index a=b,c=d     vector index options instead of the migration's (e.g. compress_neighbors=float8,max_neighbors=32)
//   --cache-mb n        SQLite page cache of the connection (default: the 256 MB db/client.ts sets)
//   --sweep             sizing run: several index settings, each on a fresh table, up to --sweep-size rows
//   --sweep-size n      rows per setting in the sizing run (default 20000)
//   --sweep-seconds s   insert time cap per setting in the sizing run (default 40)
//   --candidates "a;b"  settings to size, `;`-separated, each like the --index value ("default" = no options)
//   --dir path          where the database files go (default: a new temp dir, removed at the end)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BATCH_ROWS, indexSettingsOf, insertRows, openBenchDb } from './memory/bench-db.js';
import { measureSearch, measureStore, percentile, randomPairSimilarity } from './memory/measure.js';
import { describeDataModel, syntheticSpace, type DataModel } from './memory/synthetic-vectors.js';
import { count, fixed, table } from './memory/table.js';

const SEED = 20260101;
const K = 10;
const STORE_SAMPLES = 20;
const TARGETS = { searchP50Ms: 10, recall: 0.9, insertPerSecond: 500 };

const DEFAULT_CANDIDATES = [
  'default',
  'compress_neighbors=float8,max_neighbors=32',
  'compress_neighbors=float8,max_neighbors=64',
  'compress_neighbors=float1bit,max_neighbors=8',
  'compress_neighbors=float1bit,max_neighbors=16',
  'compress_neighbors=float1bit,max_neighbors=32',
  'compress_neighbors=float1bit,max_neighbors=64',
  'compress_neighbors=float1bit,max_neighbors=24,insert_l=16',
  'compress_neighbors=float1bit,max_neighbors=32,insert_l=10',
];

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    dims: { type: 'string', default: '1536' },
    queries: { type: 'string', default: '50' },
    data: { type: 'string', default: 'topics' },
    index: { type: 'string' },
    'cache-mb': { type: 'string' },
    sweep: { type: 'boolean', default: false },
    'sweep-size': { type: 'string', default: '20000' },
    'sweep-seconds': { type: 'string', default: '40' },
    candidates: { type: 'string' },
    dir: { type: 'string' },
  },
});

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name} must be a positive integer, got "${value}"`);
    process.exit(2);
  }
  return n;
}

const dims = positiveInt('dims', values.dims);
const queryCount = positiveInt('queries', values.queries);
const sizes = values.sizes
  .split(',')
  .map((s) => positiveInt('sizes', s.trim()))
  .sort((a, b) => a - b);
if (values.data !== 'topics' && values.data !== 'isotropic') {
  console.error(`--data must be topics or isotropic, got "${values.data}"`);
  process.exit(2);
}
const data: DataModel = values.data;
const cacheMb = values['cache-mb'] === undefined ? undefined : positiveInt('cache-mb', values['cache-mb']);
const settingsList = (s: string) =>
  s === 'default'
    ? []
    : s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
const dir = values.dir ?? mkdtempSync(path.join(tmpdir(), 'jetpack-bench-memory-'));
const started = performance.now();
const space = syntheticSpace(data, dims, SEED);
const queries = Array.from({ length: queryCount }, space.stream(2));
const elapsed = () => {
  const s = Math.round((performance.now() - started) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

console.log(
  `Memory benchmark: ${dims}-dim float32 embeddings in a local libSQL file (WAL, page cache ${cacheMb ? `${cacheMb} MB` : '256 MB, as db/client.ts opens it'}), ` +
    `${queryCount} queries, top-${K}`,
);
console.log(`Data (seeded): ${describeDataModel(data)}`);
console.log(`Files in ${dir}\n`);

async function sweep(): Promise<void> {
  const size = positiveInt('sweep-size', values['sweep-size']);
  const seconds = positiveInt('sweep-seconds', values['sweep-seconds']);
  const candidates = values.candidates ? values.candidates.split(';') : DEFAULT_CANDIDATES;
  const sweepQueries = queries.slice(0, 20);
  console.log(
    `Sizing run: each setting on a fresh table, up to ${count(size)} rows or ${seconds} s of inserting, ${sweepQueries.length} queries\n`,
  );
  const rows: string[][] = [];
  for (const candidate of candidates) {
    const file = path.join(dir, `sweep-${rows.length}.db`);
    const bench = await openBenchDb(file, dims, settingsList(candidate), cacheMb);
    try {
      const { inserted, seconds: took } = await insertRows(
        bench,
        size,
        space.stream(1),
        performance.now() + seconds * 1000,
      );
      const search = await measureSearch(bench, sweepQueries, K);
      rows.push([
        candidate,
        count(inserted),
        fixed(inserted / took, 0),
        fixed(percentile(search.indexMs, 0.5)),
        fixed(percentile(search.indexMs, 0.95)),
        fixed(search.recall, 3),
        fixed(percentile(search.exactMs, 0.5)),
      ]);
      console.log(
        `  ${candidate}: ${count(inserted)} rows at ${fixed(inserted / took, 0)}/s, recall@${K} ${fixed(search.recall, 3)} (${elapsed()})`,
      );
    } finally {
      bench.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    }
  }
  console.log(
    `\n${table(['index settings (besides metric=cosine)', 'rows', 'insert rows/s', 'index p50 ms', 'index p95 ms', `recall@${K}`, 'exact p50 ms'], rows)}`,
  );
}

async function growing(): Promise<void> {
  const bench = await openBenchDb(
    path.join(dir, 'memories.db'),
    dims,
    values.index ? settingsList(values.index) : undefined,
    cacheMb,
  );
  const nextMemory = space.stream(1);
  const nextStored = space.stream(3);
  console.log(`Index: libsql_vector_idx(${await indexSettingsOf(bench.db)})`);
  console.log(
    `Insert: ${BATCH_ROWS} rows per write transaction through the store's INSERT statement; rate over the rows added since the previous size.`,
  );
  console.log(
    `Search: MemoryStore.vectorSearch(limit ${K}, no threshold) via the index, and with exact: true (full scan), both marking hits accessed.`,
  );
  console.log(
    `store(): ${STORE_SAMPLES} single store() calls per size, each with its near-duplicate check (adds ${STORE_SAMPLES} rows).\n`,
  );
  const rows: string[][] = [];
  const figures: Array<{ size: number; insert: number; p50: number; recall: number }> = [];
  let closeness = '';
  try {
    for (const size of sizes) {
      const { inserted, seconds } = await insertRows(bench, Math.max(0, size - bench.rows), nextMemory);
      const insertRate = inserted / seconds;
      for (const q of queries.slice(0, 3)) await bench.store.vectorSearch({ embedding: q, limit: K }); // warm-up
      const search = await measureSearch(bench, queries, K);
      const stored = await measureStore(bench, nextStored, STORE_SAMPLES);
      const p50 = percentile(search.indexMs, 0.5);
      figures.push({ size, insert: insertRate, p50, recall: search.recall });
      rows.push([
        count(size),
        fixed(insertRate, 0),
        fixed(p50),
        fixed(percentile(search.indexMs, 0.95)),
        fixed(percentile(search.exactMs, 0.5)),
        fixed(percentile(search.exactMs, 0.95)),
        fixed(search.recall, 3),
        fixed(percentile(stored.ms, 0.5)),
      ]);
      closeness = `mean similarity of a query to its nearest memory ${fixed(search.nearest, 3)}, to its ${K}th ${fixed(search.kth, 3)}; random pairs ${fixed(randomPairSimilarity(queries), 3)}`;
      console.log(
        `  ${count(size)}: inserted ${count(inserted)} at ${fixed(insertRate, 0)}/s, index p50 ${fixed(p50)} ms, recall@${K} ${fixed(search.recall, 3)} (${elapsed()})`,
      );
    }
  } finally {
    bench.close();
  }
  console.log(
    `\n${table(['memories', 'insert rows/s', 'index p50 ms', 'index p95 ms', 'exact p50 ms', 'exact p95 ms', `recall@${K}`, 'store() p50 ms'], rows)}\n`,
  );
  console.log(`Data check: ${closeness}`);
  const last = figures.at(-1);
  if (last) {
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      `Targets at ${count(last.size)}: search p50 ≤ ${TARGETS.searchP50Ms} ms ${verdict(last.p50 <= TARGETS.searchP50Ms)} (${fixed(last.p50)} ms); ` +
        `recall@${K} ≥ ${TARGETS.recall} ${verdict(last.recall >= TARGETS.recall)} (${fixed(last.recall, 3)}); ` +
        `insert ≥ ${TARGETS.insertPerSecond}/s ${verdict(last.insert >= TARGETS.insertPerSecond)} (${fixed(last.insert, 0)}/s)`,
    );
  }
}

try {
  await (values.sweep ? sweep() : growing());
  console.log(`Total time ${elapsed()}`);
} finally {
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
}
