/** A step of a running task that failed and waits for its next try (an outage delays, it does not fail). */
export interface RetryingStep {
  step: string;
  /** The try that comes next (2 after one failure). */
  attempt: number;
  lastFailure: string;
  /** `for the database`, `for a worker …`, `for git`, or `to retry`. */
  waitingFor: string;
}

interface PendingActivity {
  activityType?: { name?: string | null } | null;
  attempt?: number | null;
  lastFailure?: { message?: string | null; applicationFailureInfo?: { type?: string | null } | null } | null;
}

function waitingFor(type: string, message: string): string {
  if (type === 'DatabaseUnavailableError' || /database|sqld|libsql|SQLITE_BUSY|fetch failed/i.test(message))
    return 'for the database';
  if (/heartbeat timeout|start-to-close timeout/i.test(message)) return 'for a worker (the last one was lost)';
  if (type === 'GitError') return 'for git';
  return 'to retry';
}

/** The workflow's pending activities that have failed at least once, from `describe()`. */
export function retryingSteps(pending: readonly PendingActivity[]): RetryingStep[] {
  return pending.flatMap((a) => {
    const attempt = a.attempt ?? 1;
    const message = a.lastFailure?.message ?? '';
    if (attempt < 2 || !message) return [];
    const type = a.lastFailure?.applicationFailureInfo?.type ?? '';
    return [
      { step: a.activityType?.name ?? 'a step', attempt, lastFailure: message, waitingFor: waitingFor(type, message) },
    ];
  });
}
