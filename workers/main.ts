import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/config.js';
import { openSwarmStore } from './swarm-store.js';
import { createTaskWorker } from './task-worker.js';
import { workerSandbox } from './worker-sandbox.js';

/**
 * A worker process for one model type. The Temporal runtime turns SIGINT/SIGTERM into a graceful
 * shutdown: polling stops, running activities get the grace time, then the agent is marked offline.
 */
export async function runWorkerProcess(modelType: string): Promise<void> {
  const config = loadConfig();
  // First, so a machine that cannot sandbox is told so before anything else is opened.
  const sandbox = await workerSandbox(config, process.env);
  const store = await openSwarmStore(config, process.env);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const taskWorker = await createTaskWorker({ config, modelType, connection, store, sandbox });
    console.log(
      `worker ${taskWorker.agentId} serving ${taskWorker.worker.options.taskQueue} on ${config.temporal.address}`,
    );
    await taskWorker.run();
    console.log(`worker ${taskWorker.agentId} stopped`);
  } finally {
    await connection.close();
    store.close();
  }
}
