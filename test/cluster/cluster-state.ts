import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What scripts/cluster.sh keeps in its state directory: the ports and the services' pids. */

/** `<state>/cluster.env`: PG_PORT, TEMPORAL_PORT, UI_PORT, SQLD_PORT, ... */
export function clusterPorts(dir: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path.join(dir, 'cluster.env'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split('=') as [string, string]),
  );
}

/** The pid of a service the script started (`<state>/pids/<name>.pid` holds "pid start-time"), or null. */
export function servicePid(dir: string, name: string): number | null {
  const file = path.join(dir, 'pids', `${name}.pid`);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split(' ')[0]) : null;
}

/** The pids of every service the script has started and not stopped. */
export function servicePids(dir: string): number[] {
  const pids = path.join(dir, 'pids');
  if (!existsSync(pids)) return [];
  return readdirSync(pids).map((file) => servicePid(dir, file.replace(/\.pid$/, ''))!);
}
