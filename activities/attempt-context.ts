import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import type { AttemptContext, AttemptProgress } from '../agent/attempt-context.js';
import type { Sandbox } from '../process/sandbox.js';
import { keepHeartbeating, type ProcessHeartbeat } from './heartbeat.js';

/**
 * Runs an agent step with its AttemptContext bound to the current activity: its cancellation signal
 * and try number, and a heartbeat every second carrying the attempt, the latest progress and the
 * process last started (which killOrphanOfPreviousTry reads on the next try).
 */
export async function withAttemptContext<T>(
  attempt: number,
  initial: AttemptProgress,
  sandbox: Sandbox,
  step: (context: AttemptContext) => Promise<T>,
): Promise<T> {
  const activity = Context.current();
  let progress: AttemptProgress = initial;
  let running: ProcessHeartbeat = {};
  const stopHeartbeat = keepHeartbeating(() => ({ attempt, ...progress, ...running }));
  try {
    return await step({
      signal: activity.cancellationSignal,
      tryNumber: activity.info.attempt,
      sandbox,
      heartbeat: (p) => (progress = p),
      onProcessStart: (pid) => (running = { pid, host: hostname() }),
    });
  } finally {
    stopHeartbeat();
  }
}
