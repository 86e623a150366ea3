import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';

const STARTED = 2; // PENDING_ACTIVITY_STATE_STARTED
const TIMEOUT_TYPE_HEARTBEAT = 4;

export interface ActivityView {
  activityId: string;
  type: string;
  state: number;
  attempt: number;
  identity: string;
  startedMs: number | undefined;
  heartbeatMs: number | undefined;
  /** When the server closed the previous try (for a killed worker's try: its heartbeat timeout). */
  lastAttemptCompleteMs: number | undefined;
  /** The previous try ended by a heartbeat timeout (its worker stopped heartbeating). */
  heartbeatTimedOut: boolean;
  /** The previous try's failure, in words. */
  lastFailure: string;
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
        lastAttemptCompleteMs: optionalTsToMs(a.lastAttemptCompleteTime),
        heartbeatTimedOut:
          Number(a.lastFailure?.timeoutFailureInfo?.timeoutType ?? 0) === TIMEOUT_TYPE_HEARTBEAT ||
          Number(a.lastFailure?.cause?.timeoutFailureInfo?.timeoutType ?? 0) === TIMEOUT_TYPE_HEARTBEAT,
        lastFailure: [a.lastFailure?.message, a.lastFailure?.cause?.message].filter(Boolean).join(': '),
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
  /** Worker kills: ms from the kill until the server timed the dead try out (heartbeat timeout), when seen. */
  detectedMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * After a worker was SIGKILLed at `killedAt`: each activity that was running on it, and the time
 * until its retry started on another worker (the server's `lastStartedTime` of the new try), or until
 * it was seen completed.
 */
export async function measureKillRecovery(
  temporal: Client,
  workflowIds: string[],
  pid: number,
  killedAt: number,
  timeoutMs: number,
): Promise<Recovery[]> {
  const affected: Array<{ workflowId: string; activityId: string; type: string; attempt: number }> = [];
  for (const view of await Promise.all(workflowIds.map((id) => viewWorkflow(temporal, id)))) {
    if (!view || view.status !== 'RUNNING') continue;
    for (const a of view.activities) {
      if (a.state === STARTED && ranOn(a.identity, pid) && (a.startedMs ?? 0) <= killedAt) {
        affected.push({ workflowId: view.workflowId, activityId: a.activityId, type: a.type, attempt: a.attempt });
      }
    }
  }
  return Promise.all(
    affected.map(async ({ workflowId, activityId, type, attempt }): Promise<Recovery> => {
      const deadline = Date.now() + timeoutMs;
      let detectedMs: number | undefined;
      while (Date.now() < deadline) {
        await sleep(250);
        const view = await viewWorkflow(temporal, workflowId);
        if (!view) continue;
        const a = view.activities.find((x) => x.activityId === activityId);
        if (view.status !== 'RUNNING' || !a)
          return { workflowId, activity: type, ms: Date.now() - killedAt, detectedMs };
        // The dead try was timed out once the next try exists (the server may leave its completion time unset).
        if (detectedMs === undefined && a.attempt > attempt) {
          detectedMs =
            (a.lastAttemptCompleteMs !== undefined && a.lastAttemptCompleteMs > killedAt
              ? a.lastAttemptCompleteMs
              : Date.now()) - killedAt;
        }
        if (a.startedMs !== undefined && a.startedMs > killedAt && !ranOn(a.identity, pid)) {
          const ms = a.startedMs - killedAt;
          return {
            workflowId,
            activity: type,
            ms,
            detectedMs: detectedMs === undefined ? undefined : Math.min(detectedMs, ms),
          };
        }
      }
      return { workflowId, activity: type, ms: undefined, detectedMs };
    }),
  );
}

/**
 * After an outage ended at `endedAt`: for each workflow running then, the time until it made
 * progress again (a new history event, a new activity try, or closing).
 */
export async function measureResume(
  temporal: Client,
  workflowIds: string[],
  endedAt: number,
  timeoutMs: number,
): Promise<Recovery[]> {
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
          if (restarted)
            return {
              workflowId: before.workflowId,
              activity: restarted.type,
              ms: Math.max(0, restarted.startedMs! - endedAt),
            };
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

/**
 * Watches the running workflows while an outage lasts and collects the activity tries the server
 * timed out for want of heartbeats in that window: the outage stopped a worker's heartbeats (its
 * event loop blocked), and the step was handed to another worker while the first one still ran it.
 * Tries of killed workers (`killedWorker(identity)`) and timeouts already pending at the start are not counted.
 */
export function watchHeartbeatTimeouts(
  temporal: Client,
  workflowIds: () => string[],
  from: number,
  killedWorker: (identity: string) => boolean,
) {
  const seen = new Map<string, string>();
  const attemptAtStart = new Map<string, number>();
  let first = true;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const view of await Promise.all(workflowIds().map((id) => viewWorkflow(temporal, id)))) {
        for (const a of view?.activities ?? []) {
          const key = `${view!.workflowId}/${a.activityId}`;
          if (first) attemptAtStart.set(key, a.attempt);
          // A try whose heartbeats stopped when the outage began times out ≥ 8 s later (10 s timeout, 2 s throttle).
          // The server leaves lastAttemptCompleteTime unset for a heartbeat timeout: then it happened about now.
          const at = a.lastAttemptCompleteMs ?? Date.now();
          const newTry = a.attempt > (attemptAtStart.get(key) ?? 1);
          if (
            newTry &&
            a.heartbeatTimedOut &&
            at >= from + 7_000 &&
            !killedWorker(a.identity) &&
            !seen.has(`${key}/${a.attempt}`)
          ) {
            seen.set(`${key}/${a.attempt}`, `${view!.workflowId} ${a.type} try ${a.attempt - 1}`);
          }
        }
      }
      first = false;
      await sleep(1_000);
    }
  })();
  return {
    async stop(): Promise<string[]> {
      stopped = true;
      await loop;
      return [...seen.values()];
    },
  };
}
