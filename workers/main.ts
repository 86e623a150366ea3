import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/config.js';
import { explainConnectFailure } from '../config/temporal-connect-failure.js';
import { describeTemporal, temporalConnectionOptions } from '../config/temporal-settings.js';
import { openSwarmStore } from './swarm-store.js';
import { createTaskWorker } from './task-worker.js';
import { installWorkerRuntime, serveMetrics, startTracing, swarmMetricsRegistry } from './telemetry.js';
import { workerSandbox } from './worker-sandbox.js';

/**
 * A worker process for one model type. The Temporal runtime turns SIGINT/SIGTERM into a graceful
 * shutdown: polling stops, running activities get the grace time, then the agent is marked offline.
 */
export async function runWorkerProcess(modelType: string): Promise<void> {
  const config = loadConfig();
  // First, so a machine that cannot sandbox is told so before anything else is opened.
  const sandbox = await workerSandbox(config, process.env);
  // Before any connection: the runtime's metrics exporter is part of the runtime.
  const { runtimeMetricsUrl } = await installWorkerRuntime(config);
  const tracing = await startTracing(config, `jetpack-worker-${modelType}`);
  const store = await openSwarmStore(config, process.env);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal)).catch(
    async (err: unknown) => {
      await tracing?.shutdown().catch(() => undefined);
      store.close();
      throw await explainConnectFailure(config.temporal, err);
    },
  );
  try {
    const taskWorker = await createTaskWorker({
      config,
      modelType,
      connection,
      store,
      sandbox,
      activityInterceptors: tracing?.activityInterceptors,
    });
    if (config.observability.metricsPort !== null) {
      const { port } = await serveMetrics(config, swarmMetricsRegistry(store), runtimeMetricsUrl);
      console.log(`metrics on http://${config.observability.metricsHost}:${port}/metrics`);
    }
    if (tracing) console.log(`tracing to ${config.observability.otlpEndpoint}`);
    console.log(
      `worker ${taskWorker.agentId} serving ${taskWorker.worker.options.taskQueue} on ${describeTemporal(config.temporal)}` +
        (taskWorker.version ? `, build ${taskWorker.version.buildId} of ${taskWorker.version.deploymentName}` : ''),
    );
    // The runtime stops listening after the first SIGINT/SIGTERM; a second one would then kill the
    // process mid-drain, leaving its agent "lost". Repeats are ignored: SIGKILL still ends it at once.
    let signals = 0;
    const ignoreRepeat = () => {
      if (signals++ > 0) console.log(`worker ${taskWorker.agentId} is already stopping`);
    };
    process.on('SIGINT', ignoreRepeat);
    process.on('SIGTERM', ignoreRepeat);
    await taskWorker.run();
    console.log(`worker ${taskWorker.agentId} stopped`);
  } finally {
    await tracing?.shutdown().catch(() => undefined);
    await connection.close();
    store.close();
  }
}
