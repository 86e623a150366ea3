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
