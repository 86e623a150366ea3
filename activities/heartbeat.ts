import { Context } from '@temporalio/activity';

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

/** Throws the cancellation reason if the activity was cancelled. */
export function throwIfCancelled(): void {
  const signal = Context.current().cancellationSignal;
  if (signal.aborted) throw signal.reason;
}
