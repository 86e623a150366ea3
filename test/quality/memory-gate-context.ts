import type { GateCheckRun, GateContext } from '../../quality/gate-context.js';

/** The gate's context port kept in memory: its stored runs by check name, what it was told, and a cancel switch. */
export interface MemoryGateContext extends GateContext {
  /** The stored runs, by check name (a later run of the same check replaces the earlier one, as in check_runs). */
  readonly runs: Map<string, GateCheckRun | { name: string; result: unknown }>;
  /** The names of the runs recorded, in order. */
  readonly recorded: string[];
  /** Every command start reported: `install` or a check name, with its pid. */
  readonly started: Array<{ step: string; pid: number }>;
  readonly controller: AbortController;
}

/** A fresh context over `runs` (pass a previous context's runs to resume after a "crash"). */
export function memoryGateContext(
  options: { runs?: MemoryGateContext['runs']; onCommandStart?: (step: string, pid: number) => void } = {},
): MemoryGateContext {
  const runs: MemoryGateContext['runs'] = options.runs ?? new Map();
  const recorded: string[] = [];
  const started: Array<{ step: string; pid: number }> = [];
  const controller = new AbortController();
  return {
    runs,
    recorded,
    started,
    controller,
    signal: controller.signal,
    previousRuns: async () => [...runs.values()],
    recordRun: async (run) => {
      runs.set(run.name, run);
      recorded.push(run.name);
    },
    onCommandStart: (step, pid) => {
      started.push({ step, pid });
      options.onCommandStart?.(step, pid);
    },
  };
}
