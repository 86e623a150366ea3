// `npm run bench -- landing [--k 10,30,100]`: K one-file tasks submitted together on one base branch,
// with trivial checks, landed through the merge queue and by per-task landing (`landing: direct`),
// side by side in one run on a real dev server, a local libSQL file and a real git repo. Prints gate
// runs, wall time, landing wait p50/p95 and failures. Target: gate runs ≤ 1.5 K with the queue.
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createSwarmClient } from '../client/swarm-client.js';
import { loadConfig } from '../config/config.js';
import type { LandingMode } from '../tasks/merge-queue.js';
import { git } from '../workspace/git.js';
import { openSwarmStore } from '../workers/swarm-store.js';
import { createTaskWorker } from '../workers/task-worker.js';
import { startBenchServer } from './bench-server.js';

const { values } = parseArgs({ options: { k: { type: 'string', default: '10,30,100' } } });
const ks = values.k.split(',').map(Number);
if (ks.some((k) => !Number.isInteger(k) || k < 1 || k > 500))
  throw new Error(`--k must be whole numbers from 1 to 500, separated by commas, got "${values.k}"`);

interface Run {
  mode: LandingMode;
  k: number;
  gateRuns: number;
  wallMs: number;
  waitP50Ms: number;
  waitP95Ms: number;
  failures: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(root: string, address: string, mode: LandingMode, k: number): Promise<Run> {
  const home = mkdtempSync(path.join(root, `${mode}-${k}-`));
  const configFile = path.join(home, 'swarm.config.json');
  // Every task's agent runs at once, so they all finish at about the same time.
  writeFileSync(configFile, JSON.stringify({ models: { local: { adapter: 'local', concurrency: Math.min(k, 32) } } }));
  const env = {
    SWARM_HOME: home,
    SWARM_CONFIG: configFile,
    TEMPORAL_ADDRESS: address,
    SWARM_LANDING: mode,
    SWARM_SANDBOX: 'none',
    SWARM_TASK_QUEUE_PREFIX: `bench-${mode}-${k}`,
  };
  const config = loadConfig(env, home);
  const store = await openSwarmStore(config, env);
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  try {
    const client = createSwarmClient({ config, store, temporal: new Client({ connection }) });
    const repo = path.join(home, 'repo');
    await git(home, ['init', '--quiet', '--initial-branch', 'main', repo]);
    writeFileSync(path.join(repo, '.swarm.json'), JSON.stringify({ checks: { check: 'true' } }));
    await git(repo, ['add', '.swarm.json']);
    await git(repo, ['commit', '--quiet', '-m', 'trivial checks']);
    const worker = await createTaskWorker({ config, modelType: 'local', connection: nativeConnection, store, env });
    const started = Date.now();
    const tasks = await worker.runUntil(async () => {
      const tasks = await Promise.all(
        Array.from({ length: k }, (_, i) =>
          client.createTask({
            title: `file ${i}`,
            description: `\`\`\`write files/f${i}.txt\nfile ${i}\n\`\`\``,
            repo,
            model: 'local',
          }),
        ),
      );
      await Promise.all(tasks.map((t) => client.waitForResult(t.id).catch(() => undefined)));
      return tasks;
    });
    const wallMs = Date.now() - started;
    let gateRuns = 0;
    let failures = 0;
    const waits: number[] = [];
    for (const task of tasks) {
      const runs = await store.checkRuns.list(task.id);
      gateRuns += new Set(runs.map((r) => `${r.attempt}/${r.round}`)).size;
      const result = await store.results.get(task.id);
      if (result?.status !== 'succeeded') failures++;
      // Landing wait: from the last own gate of the final attempt (round 1) to the recorded result.
      const own = runs.filter((r) => r.round === 1 && r.attempt === result?.attempts);
      const gated = own.map((r) => Date.parse(r.finishedAt)).sort((a, b) => b - a)[0];
      if (result && gated !== undefined) waits.push(Date.parse(result.finishedAt) - gated);
    }
    waits.sort((a, b) => a - b);
    return { mode, k, gateRuns, wallMs, waitP50Ms: percentile(waits, 50), waitP95Ms: percentile(waits, 95), failures };
  } finally {
    await connection.close();
    await nativeConnection.close();
    store.close();
  }
}

Runtime.install({ logger: new DefaultLogger('ERROR') });
const server = await startBenchServer('landing');
const root = server.dir;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
try {
  const runs: Run[] = [];
  for (const k of ks) {
    for (const mode of ['queue', 'direct'] as const) {
      const run = await measure(root, server.address, mode, k);
      runs.push(run);
      console.error(`  ${mode} K=${k}: done in ${seconds(run.wallMs)}`);
    }
  }
  console.log(
    '| K | landing | gate runs | gate runs / K | wall time | landing wait p50 | landing wait p95 | failures |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of runs) {
    console.log(
      `| ${r.k} | ${r.mode} | ${r.gateRuns} | ${(r.gateRuns / r.k).toFixed(2)} | ${seconds(r.wallMs)} | ${seconds(r.waitP50Ms)} | ${seconds(r.waitP95Ms)} | ${r.failures} |`,
    );
  }
  for (const r of runs.filter((r) => r.mode === 'queue')) {
    const met = r.gateRuns <= 1.5 * r.k && r.failures === 0;
    console.log(`queue, K=${r.k}: gate runs ≤ 1.5 K and 0 failures: ${met ? 'met' : 'MISSED'}`);
  }
} finally {
  await server.stop();
}
