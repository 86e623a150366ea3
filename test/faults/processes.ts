import { execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Resolves when the child has exited (at once if it already has). */
export function waitExit(child: ChildProcess, timeoutMs = 30_000): Promise<boolean> {
  return new Promise((resolve) => {
    if (exited(child)) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; a stopped (SIGSTOPped) process is continued first so it can die. */
export async function stopProcess(child: ChildProcess | undefined, graceMs = 5_000): Promise<void> {
  if (!child || exited(child) || child.pid === undefined) return;
  try {
    process.kill(child.pid, 'SIGCONT');
  } catch {
    /* gone */
  }
  child.kill('SIGTERM');
  if (!(await waitExit(child, graceMs))) {
    child.kill('SIGKILL');
    await waitExit(child, 5_000);
  }
}

/**
 * Every process this suite starts, so that all of them are stopped at the end, also on failure or
 * interruption. `killAllNow` is the synchronous last resort for process exit.
 */
export class ProcessRegistry {
  private readonly children = new Set<ChildProcess>();

  track<T extends ChildProcess>(child: T): T {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((c) => stopProcess(c)));
  }

  killAllNow(): void {
    for (const child of this.children) {
      if (exited(child) || child.pid === undefined) continue;
      try {
        process.kill(child.pid, 'SIGCONT');
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

export interface MarkedProcess {
  pid: number;
  pgid: number;
  cmdline: string;
  /** Where the marker was found: the command line (pgrep -f) or only the inherited environment. */
  via: 'cmdline' | 'environ';
  /** The marker's value in its environment: which command left it (`t3-step-2`, `check`). */
  label: string;
  /** When the process started (ms since the epoch, 10 ms resolution). */
  startedAt: number;
}

/** Boot time and clock ticks, to turn /proc/<pid>/stat start times into wall-clock times. */
function bootTimeMs(): number {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('btime '));
  return Number(line?.split(' ')[1] ?? 0) * 1000;
}
const CLOCK_TICKS_PER_SECOND = 100;

const readProc = (pid: string, file: string) => {
  try {
    return readFileSync(`/proc/${pid}/${file}`);
  } catch {
    return undefined;
  }
};

/**
 * Processes carrying the marker: `pgrep -f` finds the shells whose command line holds it; the
 * environment scan finds their descendants (sleep, node --test) which inherit the exported marker.
 * Zombies are not counted.
 */
export function findMarkedProcesses(marker: string): MarkedProcess[] {
  const found = new Map<number, MarkedProcess>();
  const self = String(process.pid);
  let pgrep = '';
  try {
    pgrep = execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' });
  } catch {
    /* exit 1: none */
  }
  const describe = (pid: string, via: MarkedProcess['via']): MarkedProcess | undefined => {
    const stat = readProc(pid, 'stat')?.toString();
    if (!stat) return undefined;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    const cmdline = (readProc(pid, 'cmdline')?.toString() ?? '').split('\0').join(' ').trim();
    const entry = (readProc(pid, 'environ')?.toString() ?? '').split('\0').find((e) => e.startsWith(`${marker}=`));
    const label = entry?.slice(marker.length + 1) ?? /JPFAULT_\w+ (\S+);/.exec(cmdline)?.[1] ?? '?';
    const startedAt = bootTimeMs() + (Number(fields[19]) * 1000) / CLOCK_TICKS_PER_SECOND;
    return { pid: Number(pid), pgid: Number(fields[2]), cmdline, via, label, startedAt };
  };
  for (const pid of pgrep.split('\n').filter(Boolean)) {
    if (pid === self) continue;
    const p = describe(pid, 'cmdline');
    if (p) found.set(p.pid, p);
  }
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (pid === self || found.has(Number(pid))) continue;
    const environ = readProc(pid, 'environ');
    if (!environ || !environ.includes(marker)) continue;
    const p = describe(pid, 'environ');
    if (p) found.set(p.pid, p);
  }
  return [...found.values()];
}

/** Kills whatever carries the marker (after it has been counted), group by group. */
export function killMarkedProcesses(marker: string): void {
  const ownGroup = Number(readProc(String(process.pid), 'stat')?.toString().split(') ')[1]?.split(' ')[2]);
  for (const p of findMarkedProcesses(marker)) {
    try {
      // Never our own group: the marked commands lead their own groups (process/run-command.ts).
      if (p.pgid === ownGroup) process.kill(p.pid, 'SIGKILL');
      else process.kill(-p.pgid, 'SIGKILL');
    } catch {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}
