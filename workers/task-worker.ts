import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import {
  type ActivityInterceptorsFactory,
  type NativeConnection,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { gitToken } from '../config/git-token.js';
import { remoteAccess } from '../workspace/remote-access.js';
import { ConfigError, type SwarmConfig } from '../config/config.js';
import type { Store } from '../db/index.js';
import { openMemory } from '../memory/open-memory.js';
import { createModelRegistry } from '../models/registry.js';
import { taskQueueForModel } from '../tasks/task.js';
import { redactingActivityInterceptor } from './redacting-interceptor.js';
import type { SandboxSettings } from '../process/task-sandbox.js';
import { workerSandbox } from './worker-sandbox.js';
import { taskDataOnBranches } from './task-data.js';
import { workflowBundleForWorker } from './workflow-bundle.js';
import { promoteVersion, workerVersionFor } from './worker-deployment.js';

export { WORKFLOWS_PATH } from './workflow-bundle.js';

const REGISTRY_HEARTBEAT_MS = 10_000;
const PROMOTE_WAIT_MS = 60_000;

export interface TaskWorkerOptions {
  config: SwarmConfig;
  modelType: string;
  connection: NativeConnection;
  store: Store;
  /** Where API keys are read from (default: this process's environment). */
  env?: Record<string, string | undefined>;
  /** A prebuilt workflow bundle (tests build it once); otherwise the build's, or bundled at start. */
  workflowBundle?: { codePath: string };
  /** More activity interceptors (tracing), after the redacting one. */
  activityInterceptors?: ActivityInterceptorsFactory[];
  /** Sandbox settings already probed (the worker process probes first); otherwise made and probed here. */
  sandbox?: SandboxSettings;
}

export interface TaskWorker {
  agentId: string;
  worker: Worker;
  /** Its Worker Deployment version; null when worker versioning is off. */
  version: WorkerDeploymentVersion | null;
  /** Registers in the agents table, runs until shutdown, then marks the agent offline. */
  run(): Promise<void>;
  runUntil<R>(promise: Promise<R> | (() => Promise<R>)): Promise<R>;
}

/** A worker for one model type, serving the `jetpack.<modelType>` task queue. */
export async function createTaskWorker(options: TaskWorkerOptions): Promise<TaskWorker> {
  const { config, modelType, store } = options;
  const modelConfig = Object.hasOwn(config.models, modelType) ? config.models[modelType] : undefined;
  if (!modelConfig) {
    throw new ConfigError(
      `model type "${modelType}" is not configured (configured: ${Object.keys(config.models).join(', ')})`,
    );
  }
  const agentId = `${modelType}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const taskQueue = taskQueueForModel(config.temporal.taskQueuePrefix, modelType);
  const env = options.env ?? process.env;
  // Refuses to start (ConfigError) when the configured sandbox cannot run here.
  const sandbox = options.sandbox ?? (await workerSandbox(config, env));
  const memory = await openMemory(config, store, env);
  const taskData = taskDataOnBranches(config, { store, memory }, env);
  const activities = createActivities({
    store,
    memory,
    taskData: taskData.resolve,
    recall: { limit: config.memory.recallLimit, threshold: config.memory.recallThreshold },
    models: createModelRegistry({ [modelType]: modelConfig }, env),
    agentId,
    worktreesDir: config.worktreesDir,
    remotes: remoteAccess(config.git.mirrorsDir, env, gitToken(config, env)),
    checks: config.checks,
    toolLimits: { maxOutputChars: config.limits.toolOutputChars, maxFileBytes: config.limits.fileWriteBytes },
    sandbox,
    landing: { batchSize: config.landing.batchSize },
  });
  const workflowBundle =
    options.workflowBundle ?? (await workflowBundleForWorker({ stats: config.observability.bundleStats }));
  const version = await workerVersionFor(config, modelType, workflowBundle);
  const workerOptions: WorkerOptions = {
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue,
    identity: agentId,
    activities,
    // Results and failures of activities are redacted with the store's secrets before they reach the history.
    interceptors: { activity: [redactingActivityInterceptor(store.redactor), ...(options.activityInterceptors ?? [])] },
    maxConcurrentActivityTaskExecutions: modelConfig.concurrency,
    // Provider rate limits, enforced by the Temporal server across every worker of this model type.
    ...(modelConfig.maxRequestsPerSecond ? { maxTaskQueueActivitiesPerSecond: modelConfig.maxRequestsPerSecond } : {}),
    shutdownGraceTime: '10s',
    // Heartbeats reach the server at least this often, so a cancel reaches a running check within seconds.
    maxHeartbeatThrottleInterval: '2s',
    workflowBundle,
    // Each workflow type declares PINNED or AUTO_UPGRADE (workflows/*); the default is for a type that declares none.
    ...(version
      ? { workerDeploymentOptions: { useWorkerVersioning: true, version, defaultVersioningBehavior: 'PINNED' } }
      : {}),
  };
  const worker = await Worker.create(workerOptions);

  const withRegistration = async <R>(body: () => Promise<R>): Promise<R> => {
    await store.agents.register({
      id: agentId,
      modelType,
      taskQueue,
      skills: modelConfig.skills,
      host: hostname(),
      pid: process.pid,
    });
    const beat = setInterval(() => void store.agents.heartbeat(agentId).catch(() => undefined), REGISTRY_HEARTBEAT_MS);
    const stopPromoting = new AbortController();
    if (version && config.temporal.versioning.promoteOnStart) {
      // The server knows a version only once its worker polls, so this waits for the first poll.
      promoteVersion(options.connection.workflowService, {
        namespace: config.temporal.namespace,
        version,
        identity: agentId,
        waitMs: PROMOTE_WAIT_MS,
        signal: stopPromoting.signal,
      }).then(
        () => console.log(`build ${version.buildId} is now current for ${version.deploymentName}`),
        (err: Error) => console.error(`worker ${agentId} could not make its build current: ${err.message}`),
      );
    }
    try {
      return await body();
    } finally {
      stopPromoting.abort();
      clearInterval(beat);
      await store.agents.markOffline(agentId).catch(() => undefined);
      await taskData.close();
    }
  };

  return {
    agentId,
    worker,
    version,
    run: () => withRegistration(() => worker.run()),
    runUntil: (promise) => withRegistration(() => worker.runUntil(promise)),
  };
}
