import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { artifactId } from '../agent/attempt-outcome.js';
import { qualityGateSchema, type QualityGate } from '../quality/baseline.js';
import type { GateProgress } from '../quality/gate-context.js';
import type { Task } from '../tasks/task.js';
import { sandboxFor, type ActivityDeps } from './deps.js';
import { keepHeartbeating, type ProcessHeartbeat } from './heartbeat.js';

export const gateArtifactId = (taskId: string) => artifactId(taskId, 0, 'quality-gate');

/** Runs `work` with the activity's cancellation, heartbeating its running command (pid, host) so a retry after a crash can kill it. */
export async function heartbeating<T>(
  progress: Record<string, unknown>,
  work: (watch: GateProgress) => Promise<T>,
): Promise<T> {
  let beat: ProcessHeartbeat & Record<string, unknown> = { ...progress };
  const stop = keepHeartbeating(() => beat);
  try {
    return await work({
      signal: Context.current().cancellationSignal,
      onCommandStart: (step, pid) => (beat = { ...progress, check: step, pid, host: hostname() }),
    });
  } finally {
    stop();
  }
}

/** How checks run for `task` in `worktree`: in its sandbox without the network; the dependency install gets it. */
export async function gateConfinement(deps: ActivityDeps, task: Task, worktree: string) {
  return {
    timeoutMs: deps.checks.timeoutSeconds * 1000,
    outputLimitBytes: deps.checks.outputLimitBytes,
    sandbox: await sandboxFor(deps, task, worktree, { network: false }),
    installSandbox: await sandboxFor(deps, task, worktree, { network: true }),
    dependencyCacheDir: deps.checks.dependencyCacheDir,
  };
}

/** The gate ensureBaseline fixed for the task (checks and policy read from its base commit). */
export async function storedGate(deps: ActivityDeps, taskId: string): Promise<QualityGate> {
  const stored = await deps.store.artifacts.get(gateArtifactId(taskId));
  if (!stored) throw new Error(`task ${taskId} has no quality gate; ensureBaseline must run first`);
  return qualityGateSchema.parse(JSON.parse(stored));
}
