// `npm run bench -- priority [--low 50]`: 50 low-priority tasks queue on a worker with one activity
// slot, then one critical task is submitted; prints how many low tasks started before it, with
// and without priority keys (and with priority keys on a server without the dynamic config).
// Real dev server, real libSQL file, real git repo. Target: at most the ones already running.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createExampleRepo } from '../client/example/create-example-repo.js';
import { taskStartOptions } from '../client/task-start.js';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../client/temporal-dev-server.js';
import { loadConfig } from '../config/config.js';
import { temporalConnectionOptions } from '../config/temporal-settings.js';
import { branchForTask, workflowIdForTask, type Priority } from '../tasks/task.js';
import { newTaskId } from '../tasks/task-id.js';
import { openSwarmStore } from '../workers/swarm-store.js';
import { createTaskWorker } from '../workers/task-worker.js';
import { startBenchServer } from './bench-server.js';

const { values } = parseArgs({ options: { low: { type: 'string', default: '50' } } });
const lowCount = Number(values.low);
Runtime.install({ logger: new DefaultLogger('ERROR') });

async function run(label: string, withPriority: boolean, dynamicConfig: Record<string, string>) {
  const server = await startBenchServer('priority', dynamicConfig);
  const { dir } = server;
  try {
    const config = loadConfig({ SWARM_HOME: dir, TEMPORAL_ADDRESS: server.address, SWARM_SANDBOX: 'none' }, dir);
    config.models.local!.concurrency = 1;
    const store = await openSwarmStore(config, process.env);
    const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
    const temporal = new Client({ connection });
    const repo = await createExampleRepo(path.join(dir, 'repo'));
    const submit = async (priority: Priority, n: number) => {
      const id = newTaskId();
      const task = {
        id,
        title: `${priority} ${n}`,
        description: 'nothing to do',
        priority,
        skills: [],
        acceptanceCriteria: [],
        repo,
        baseBranch: 'main',
        branch: branchForTask(id),
        modelType: 'local',
        maxAttempts: 1,
        workflowId: workflowIdForTask(id),
        budget: { maxTokens: null, maxCostUsd: null },
        planId: null,
      };
      await store.tasks.insert(task);
      await temporal.workflow.start('taskWorkflow', taskStartOptions(config, task, [], { withPriority }));
      return id;
    };
    const low: string[] = [];
    for (let i = 0; i < lowCount; i++) low.push(await submit('low', i));
    const critical = await submit('critical', 0);

    // The worker starts once all are queued; the critical task's first step marks it `preparing`.
    const nativeConnection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
    const worker = await createTaskWorker({ config, modelType: 'local', connection: nativeConnection, store });
    const startedBefore = await worker.runUntil(async () => {
      for (;;) {
        if ((await store.tasks.get(critical))!.status !== 'queued') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const statuses = await Promise.all(low.map(async (id) => (await store.tasks.get(id))!.status));
      return statuses.filter((s) => s !== 'queued').length;
    });
    await Promise.all(
      [...low, critical].map((id) =>
        temporal.workflow
          .getHandle(workflowIdForTask(id))
          .terminate()
          .catch(() => undefined),
      ),
    );
    await connection.close();
    await nativeConnection.close();
    store.close();
    return { label, startedBefore };
  } finally {
    await server.stop();
  }
}

const rows = [
  await run('priority keys, project dev server config', true, DEV_SERVER_DYNAMIC_CONFIG),
  await run('no priority keys, project dev server config', false, DEV_SERVER_DYNAMIC_CONFIG),
  await run('priority keys, server without dynamic config', true, {}),
  await run('no priority keys, server without dynamic config', false, {}),
];
console.log(`${lowCount} low-priority tasks queued on one activity slot, then one critical task:`);
for (const r of rows)
  console.log(`  ${r.label.padEnd(46)} ${String(r.startedBefore).padStart(3)} low task(s) started before it`);
