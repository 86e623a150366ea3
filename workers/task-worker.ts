import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
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

export { WORKFLOWS_PATH } from './workflow-bundle.js';

const REGISTRY_HEARTBEAT_MS = 10_000;

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
    workflowBundle:
      options.workflowBundle ?? (await workflowBundleForWorker({ stats: config.observability.bundleStats })),
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
    try {
      return await body();
    } finally {
      clearInterval(beat);
      await store.agents.markOffline(agentId).catch(() => undefined);
      await taskData.close();
    }
  };

  return {
    agentId,
    worker,
    run: () => withRegistration(() => worker.run()),
    runUntil: (promise) => withRegistration(() => worker.runUntil(promise)),
  };
}
