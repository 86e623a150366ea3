import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';

const STARTED = 2; // PENDING_ACTIVITY_STATE_STARTED

export interface ActivityView {
  activityId: string;
  type: string;
  state: number;
  attempt: number;
  identity: string;
  startedMs: number | undefined;
  heartbeatMs: number | undefined;
}

export interface WorkflowView {
  workflowId: string;
  status: string;
  historyLength: number;
  activities: ActivityView[];
}

/** The server's view of a workflow, or undefined when it cannot be read (server down, not found). */
export async function viewWorkflow(temporal: Client, workflowId: string): Promise<WorkflowView | undefined> {
  try {
    const d = await temporal.workflow.getHandle(workflowId).describe();
    return {
      workflowId,
      status: d.status.name,
      historyLength: d.historyLength,
      activities: (d.raw.pendingActivities ?? []).map((a) => ({
        activityId: a.activityId ?? '',
        type: a.activityType?.name ?? '',
        state: Number(a.state ?? 0),
        attempt: a.attempt ?? 0,
        identity: a.lastWorkerIdentity ?? '',
        startedMs: optionalTsToMs(a.lastStartedTime),
        heartbeatMs: optionalTsToMs(a.lastHeartbeatTime),
      })),
    };
  } catch {
    return undefined;
  }
}

/** Worker identities are `local-<host>-<pid>-<hex>` (workers/task-worker.ts). */
const ranOn = (identity: string, pid: number) => identity.includes(`-${pid}-`);

export interface Recovery {
  workflowId: string;
  activity: string;
  /** ms from the fault (or from the end of the outage) to the task's next progress; undefined if none was seen. */
  ms: number | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * After a worker was SIGKILLed at `killedAt`: each activity that was running on it, and the time
 * until its retry started on another worker (the server's `lastStartedTime` of the new try), or until
 * it was seen completed.
 */
export async function measureKillRecovery(temporal: Client, workflowIds: string[], pid: number, killedAt: number, timeoutMs: number): Promise<Recovery[]> {
  const affected: Array<{ workflowId: string; activityId: string; type: string }> = [];
  for (const view of await Promise.all(workflowIds.map((id) => viewWorkflow(temporal, id)))) {
    if (!view || view.status !== 'RUNNING') continue;
    for (const a of view.activities) {
      if (a.state === STARTED && ranOn(a.identity, pid) && (a.startedMs ?? 0) <= killedAt) {
        affected.push({ workflowId: view.workflowId, activityId: a.activityId, type: a.type });
      }
    }
  }
  return Promise.all(
    affected.map(async ({ workflowId, activityId, type }): Promise<Recovery> => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        await sleep(250);
        const view = await viewWorkflow(temporal, workflowId);
        if (!view) continue;
        const a = view.activities.find((x) => x.activityId === activityId);
        if (view.status !== 'RUNNING' || !a) return { workflowId, activity: type, ms: Date.now() - killedAt };
        if (a.startedMs !== undefined && a.startedMs > killedAt && !ranOn(a.identity, pid)) {
          return { workflowId, activity: type, ms: a.startedMs - killedAt };
        }
      }
      return { workflowId, activity: type, ms: undefined };
    }),
  );
}

/**
 * After an outage ended at `endedAt`: for each workflow running then, the time until it made
 * progress again (a new history event, a new activity try, or closing).
 */
export async function measureResume(temporal: Client, workflowIds: string[], endedAt: number, timeoutMs: number): Promise<Recovery[]> {
  const running: WorkflowView[] = [];
  // The server may only just be back: read each workflow's position as soon as it answers.
  for (const id of workflowIds) {
    const deadline = Date.now() + 30_000;
    let view: WorkflowView | undefined;
    while (!view && Date.now() < deadline) {
      view = await viewWorkflow(temporal, id);
      if (!view) await sleep(250);
    }
    if (view?.status === 'RUNNING') running.push(view);
  }
  return Promise.all(
    running.map(async (before): Promise<Recovery> => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const view = await viewWorkflow(temporal, before.workflowId);
        if (view) {
          const restarted = view.activities.find((a) => a.startedMs !== undefined && a.startedMs > endedAt);
          if (restarted) return { workflowId: before.workflowId, activity: restarted.type, ms: Math.max(0, restarted.startedMs! - endedAt) };
          if (view.status !== 'RUNNING' || view.historyLength > before.historyLength) {
            return { workflowId: before.workflowId, activity: '', ms: Date.now() - endedAt };
          }
        }
        await sleep(250);
      }
      return { workflowId: before.workflowId, activity: '', ms: undefined };
    }),
  );
}
