import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { killProcessGroup } from '../process/process-group.js';

/**
 * Heartbeats on a timer while long work runs, so cancellation reaches the activity and a dead
 * worker is noticed within the heartbeat timeout. `details` are read at each beat.
 */
export function keepHeartbeating(details: () => unknown, intervalMs = 1_000): () => void {
  const ctx = Context.current();
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), intervalMs);
  return () => clearInterval(timer);
}

/** What long activities heartbeat about the process they are running. */
export interface ProcessHeartbeat {
  pid?: number;
  host?: string;
}

/**
 * A retried activity whose previous try died with its worker (same host) kills the process group
 * that try last reported, so a crashed run leaves no orphan behind.
 */
export function killOrphanOfPreviousTry(): void {
  const previous = Context.current().info.heartbeatDetails as ProcessHeartbeat | undefined;
  if (previous?.pid && previous.host === hostname()) killProcessGroup(previous.pid);
}

/** Throws the cancellation reason if the activity was cancelled. */
export function throwIfCancelled(): void {
  const signal = Context.current().cancellationSignal;
  if (signal.aborted) throw signal.reason;
}

/** Runs `work` heartbeating every second: a step that waits on a busy repository lock is not taken for a lost worker. */
export async function withHeartbeat<T>(step: string, work: () => Promise<T>): Promise<T> {
  const stop = keepHeartbeating(() => ({ step }));
  try {
    return await work();
  } finally {
    stop();
  }
}
