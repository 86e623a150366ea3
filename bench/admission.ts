// `npm run bench -- admission [--tasks 100] [--slots 4]`: N trivial tasks submitted at once, on one
// worker running `slots` activities at a time, with and without admission (maxTasksInFlight =
// slots). Prints time to first result, p50/p95 completion, peak worktrees on disk and makespan,
// side by side. Real dev server, real libSQL file, real git repo (its one check is `true`).
// Target: first result within 5 % of makespan / slots; makespan no worse than without admission.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createSwarmClient } from '../client/swarm-client.js';
import { loadConfig } from '../config/config.js';
import { temporalConnectionOptions } from '../config/temporal-settings.js';
import { openSwarmStore } from '../workers/swarm-store.js';
import { createTaskWorker } from '../workers/task-worker.js';
import { startBenchServer } from './bench-server.js';
import { createFixtureRepo } from '../test/helpers/fixture-repo.js';

const { values } = parseArgs({
  options: { tasks: { type: 'string', default: '100' }, slots: { type: 'string', default: '4' } },
});
const count = Number(values.tasks);
const slots = Number(values.slots);
Runtime.install({ logger: new DefaultLogger('ERROR') });

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function run(admission: boolean) {
  const server = await startBenchServer('admission');
  const { dir } = server;
  try {
    const config = loadConfig({ SWARM_HOME: dir, TEMPORAL_ADDRESS: server.address, SWARM_SANDBOX: 'none' }, dir);
    config.models.local!.concurrency = slots;
    if (admission) config.models.local!.maxTasksInFlight = slots;
    const store = await openSwarmStore(config, process.env);
    const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
    const client = createSwarmClient({ config, store, temporal: new Client({ connection }) });
    const repo = await createFixtureRepo(path.join(dir, 'repo'), {
      'README.md': '# bench\n',
      '.swarm.json': JSON.stringify({ checks: { ok: 'true' } }),
    });
    const nativeConnection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
    const worker = await createTaskWorker({ config, modelType: 'local', connection: nativeConnection, store });
    let peakWorktrees = 0;
    const sampler = setInterval(() => {
      if (existsSync(config.worktreesDir))
        peakWorktrees = Math.max(peakWorktrees, readdirSync(config.worktreesDir).length);
    }, 100);
    const started = Date.now();
    const done = await worker.runUntil(async () => {
      const tasks = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          client.createTask({
            title: `note ${i}`,
            description: `\`\`\`write notes/note-${i}.md\nnote ${i}\n\`\`\``,
            repo,
            model: 'local',
          }),
        ),
      );
      return Promise.all(
        tasks.map(async (t) => {
          const result = await client.waitForResult(t.id);
          return { ms: Date.now() - started, ok: result?.status === 'succeeded' };
        }),
      );
    });
    clearInterval(sampler);
    const times = done.map((d) => d.ms).sort((a, b) => a - b);
    await connection.close();
    await nativeConnection.close();
    store.close();
    return {
      first: times[0]!,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      makespan: times.at(-1)!,
      peakWorktrees,
      succeeded: done.filter((d) => d.ok).length,
    };
  } finally {
    await server.stop();
  }
}

const without = await run(false);
console.log('without admission:', JSON.stringify(without));
const withAdmission = await run(true);
console.log('with admission:', JSON.stringify(withAdmission));
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`${count} trivial tasks, one worker with ${slots} activity slots:`);
console.log(`${''.padEnd(22)}${'without admission'.padStart(20)}${`admission (${slots} in flight)`.padStart(26)}`);
const row = (label: string, a: string, b: string) =>
  console.log(`${label.padEnd(22)}${a.padStart(20)}${b.padStart(26)}`);
row('first result', s(without.first), s(withAdmission.first));
row('p50 completion', s(without.p50), s(withAdmission.p50));
row('p95 completion', s(without.p95), s(withAdmission.p95));
row('makespan', s(without.makespan), s(withAdmission.makespan));
row('peak worktrees', String(without.peakWorktrees), String(withAdmission.peakWorktrees));
row('succeeded', `${without.succeeded}/${count}`, `${withAdmission.succeeded}/${count}`);
const target = withAdmission.makespan / slots;
console.log(
  `target: first result ≤ makespan/slots + 5 % = ${s(target * 1.05)}: ${withAdmission.first <= target * 1.05 ? 'met' : 'MISSED'}; makespan no worse: ${withAdmission.makespan <= without.makespan ? 'met' : 'MISSED'}`,
);
