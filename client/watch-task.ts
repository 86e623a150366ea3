import type { ShownTask } from './format.js';
import { describeProgress } from './live-progress.js';

/** One line of where a task is: `running_agent · attempt 1/3 · runAgentTurn · turn 2 · write_file · gate: pass`. */
export function progressLine(shown: ShownTask): string {
  const { task, live, progress, gates, result } = shown;
  if (result) return `${result.status} after ${result.attempts} attempt(s)`;
  const status = live?.status ?? task.status;
  const attempt = live ? live.attempt : task.currentAttempt;
  const parts = [status, attempt > 0 ? `attempt ${attempt}/${task.maxAttempts}` : null];
  for (const p of progress) parts.push(describeProgress(p));
  const gate = gates.filter((g) => g.attempt === attempt && g.summary).at(-1);
  if (gate) parts.push(`gate: ${gate.summary}`);
  for (const r of shown.retrying) parts.push(`waiting ${r.waitingFor} (${r.step}, try ${r.attempt})`);
  if (status === 'awaiting_approval')
    parts.push(`over budget: swarm task approve ${task.id} | swarm task reject ${task.id} --reason …`);
  return parts.filter(Boolean).join(' · ');
}

export interface WatchOptions {
  /** Stops watching (the task goes on). */
  signal?: AbortSignal;
  intervalMs?: number;
}

/**
 * Follows a task until it finishes, printing a progress line each time it changes; returns the
 * final view, or null when `signal` stopped the watch first.
 */
export async function watchTask(
  show: () => Promise<ShownTask | undefined>,
  print: (line: string) => void,
  options: WatchOptions = {},
): Promise<ShownTask | null> {
  const interval = options.intervalMs ?? 1_000;
  let last = '';
  while (!options.signal?.aborted) {
    const shown = await show();
    if (!shown) throw new Error('the task disappeared from the database');
    const line = progressLine(shown);
    if (line !== last) print(line);
    last = line;
    if (shown.result) return shown;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      options.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
  return null;
}

/** An AbortSignal aborted by the first Ctrl-C (SIGINT) while `body` runs; the handler is removed after. */
export async function untilInterrupted<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
