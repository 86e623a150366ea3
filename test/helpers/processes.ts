import { readdirSync, readFileSync } from 'node:fs';

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Pids of live processes whose command line (arguments joined by spaces) contains `text`, or is
 * exactly `text` with `exact`; the caller's own excluded.
 */
export function findProcesses(text: string, { exact = false } = {}): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      if ((exact ? commandLine === text : commandLine.includes(text)) && isRunning(Number(entry)))
        pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
