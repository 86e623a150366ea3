import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { StepProgress } from './live-progress.js';

interface PendingActivity {
  activityType?: { name?: string | null } | null;
  heartbeatDetails?: { payloads?: Payload[] | null } | null;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 120) : undefined);

/** The progress each pending activity of a workflow last heartbeated, from `describe()`. */
export function stepProgress(pending: readonly PendingActivity[]): StepProgress[] {
  return pending.map((a) => {
    const step = a.activityType?.name ?? 'a step';
    const payload = a.heartbeatDetails?.payloads?.[0];
    let details: Record<string, unknown> = {};
    try {
      const decoded: unknown = payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
      if (decoded && typeof decoded === 'object') details = decoded as Record<string, unknown>;
    } catch {
      // A heartbeat this version cannot read says only which step runs.
    }
    const progress: StepProgress = { step };
    const fields: Partial<StepProgress> = {
      attempt: num(details.attempt),
      turn: num(details.turn),
      action: text(details.message),
      check: text(details.check),
      round: num(details.round),
    };
    for (const [key, value] of Object.entries(fields))
      if (value !== undefined) Object.assign(progress, { [key]: value });
    return progress;
  });
}
