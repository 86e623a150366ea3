import { defaultPayloadConverter, type Payload } from '@temporalio/common';

/** Where a running step of a task is, from its last heartbeat (activities/attempt-context.ts, quality-activities.ts). */
export interface StepProgress {
  step: string;
  attempt?: number;
  turn?: number;
  /** The agent's latest tool call or action, e.g. `write_file` or `calling the model`. */
  action?: string;
  /** The check command running. */
  check?: string;
  /** The re-check round of the gate (2 after the base branch moved). */
  round?: number;
}

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

/** One line: `runAgent · turn 3 · write_file`, `runChecks · running test`. */
export function describeProgress(p: StepProgress): string {
  return [
    p.step,
    p.round !== undefined && p.round > 1 ? `re-check ${p.round - 1}` : null,
    p.turn !== undefined ? `turn ${p.turn}` : null,
    p.action ?? null,
    p.check ? `running ${p.check}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}
