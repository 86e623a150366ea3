import type { ChildProcess } from 'node:child_process';

/** Kills a whole process group; true when it existed. */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export interface GroupSupervision {
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Clears the timers and the abort listener once the child has closed. */
  dispose(): void;
}

/**
 * Watches a child spawned with `detached: true` (so it leads its own process group): on timeout or
 * abort the group gets SIGTERM, then SIGKILL after `killGraceMs`; when the child exits, whatever it
 * left running in its group (servers, watchers, background jobs) is killed too.
 */
export function superviseProcessGroup(
  child: ChildProcess,
  options: { timeoutMs: number; signal?: AbortSignal; killGraceMs: number },
): GroupSupervision {
  let timedOut = false;
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (child.pid === undefined) return;
    killProcessGroup(child.pid, 'SIGTERM');
    killTimer ??= setTimeout(
      () => child.pid !== undefined && killProcessGroup(child.pid, 'SIGKILL'),
      options.killGraceMs,
    );
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  child.once('exit', () => child.pid !== undefined && killProcessGroup(child.pid, 'SIGKILL'));
  return {
    get timedOut() {
      return timedOut;
    },
    get cancelled() {
      return cancelled;
    },
    dispose() {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    },
  };
}
