// `npm run bench -- history [--turns 50]`: the Temporal history size of one agent run of N turns,
// on a real dev server, a local libSQL file and a real git repo. Target: ≤ 200 KB for 50 turns.
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
import { createExampleRepo } from '../client/example/create-example-repo.js';

const { values } = parseArgs({ options: { turns: { type: 'string', default: '50' } } });
const turns = Number(values.turns);
if (!Number.isInteger(turns) || turns < 2) throw new Error(`--turns must be a whole number ≥ 2, got "${values.turns}"`);
const TARGET_BYTES = 200 * 1024;

Runtime.install({ logger: new DefaultLogger('WARN') });
const server = await startBenchServer('history');
const { dir } = server;
try {
  const config = loadConfig({ SWARM_HOME: dir, TEMPORAL_ADDRESS: server.address }, dir);
  const store = await openSwarmStore(config, process.env);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const nativeConnection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  const client = createSwarmClient({ config, store, temporal: new Client({ connection }) });
  const repo = await createExampleRepo(path.join(dir, 'repo'));
  // turns - 1 tool turns (one file each), then `finish`.
  const description = Array.from(
    { length: turns - 1 },
    (_, i) => `\`\`\`write notes/note-${i + 1}.md\nNote ${i + 1}: ${'x'.repeat(200)}\n\`\`\``,
  ).join('\n');
  const worker = await createTaskWorker({ config, modelType: 'local', connection: nativeConnection, store });
  const started = Date.now();
  const task = await worker.runUntil(async () => {
    const task = await client.createTask({ title: `${turns}-turn run`, description, repo, model: 'local' });
    await client.waitForResult(task.id);
    return task;
  });
  const elapsed = Date.now() - started;
  const handle = new Client({ connection }).workflow.getHandle(task.workflowId);
  const history = await handle.fetchHistory();
  const bytes = Buffer.byteLength(JSON.stringify(history));
  const events = history.events?.length ?? 0;
  const agentTurns = (await store.agentTurns.list(task.id, 1)).length - 1;
  const result = await store.results.get(task.id);
  console.log(`agent run of ${agentTurns} turns: ${result?.status}, ${elapsed} ms`);
  console.log(
    `history: ${events} events, ${(bytes / 1024).toFixed(1)} KB as JSON (${(bytes / agentTurns).toFixed(0)} bytes per turn)`,
  );
  console.log(
    `target ≤ ${TARGET_BYTES / 1024} KB: ${bytes <= TARGET_BYTES ? 'met' : 'MISSED'} (ratio ${(bytes / TARGET_BYTES).toFixed(2)})`,
  );
  await connection.close();
  await nativeConnection.close();
  store.close();
} finally {
  await server.stop();
}
