import path from 'node:path';
import { z } from 'zod';

/**
 * What the runtime can represent, for every numeric and address setting: Node's timers take at
 * most 2^31-1 ms (a longer delay silently becomes 1 ms), ports are 1..65535, and the memories'
 * `F32_BLOB(n)` column takes what both libSQL (n ≤ 65536) and the embedders (8..8192) accept.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
export const MIN_EMBEDDING_DIMENSIONS = 8;
export const MAX_EMBEDDING_DIMENSIONS = 8192;
/** Largest output a check may keep in memory. */
export const MAX_OUTPUT_LIMIT_BYTES = 2 ** 30;

/** Seconds that become a Node timer: positive and at most MAX_TIMER_SECONDS. `whole` also refuses fractions. */
export const timerSeconds = (name: string, options: { whole?: boolean } = {}) => {
  const what = `${name} must be ${options.whole ? 'a whole number of seconds' : 'a number of seconds'} from ${options.whole ? 1 : 'above 0'} to ${MAX_TIMER_SECONDS}`;
  const base = z.number({ error: what }).positive(what).max(MAX_TIMER_SECONDS, what);
  return options.whole ? base.int(what) : base;
};

/** host:port or [ipv6]:port, the port 1..65535 (as the Temporal client parses it: no IPv6 zone ids). */
export function parseHostPort(address: string): { host: string; port: number } | null {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(address);
  if (!match) return null;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return null;
  const host = match[1] ?? match[2]!;
  if (match[1] !== undefined && !/:/.test(host)) return null;
  return { host, port };
}

export const hostPort = (name: string) =>
  z
    .string()
    .refine(
      (value) => parseHostPort(value) !== null,
      `${name} must be host:port or [ipv6]:port with a port from 1 to 65535`,
    );

/** An absolute URL with one of `schemes` (without the colon) and a host; the port, if any, 1..65535. */
export const serviceUrl = (name: string, schemes: string[]) =>
  z.string().refine(
    (value) => {
      try {
        const url = new URL(value);
        return (
          schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== '' && url.port !== '0' && !/\s/.test(value)
        );
      } catch {
        return false;
      }
    },
    `${name} must be a ${schemes.map((s) => `${s}://`).join(', ')} URL with a host`,
  );

/**
 * Kernel pseudo-filesystems: a database or worktrees there cannot work (and mkdir -p under /proc
 * can spin forever). /dev/shm is an ordinary tmpfs and stays allowed.
 */
const PSEUDO_FILESYSTEMS = ['/proc', '/sys', '/dev'];
const under = (file: string, root: string) => file === root || file.startsWith(root + '/');

export const isUnderPseudoFilesystem = (file: string) => {
  const resolved = path.resolve(file);
  return PSEUDO_FILESYSTEMS.some((root) => under(resolved, root)) && !under(resolved, '/dev/shm');
};

/** An absolute local path swarm creates files under; not in /proc, /sys or /dev. */
export const localPath = (name: string) =>
  z
    .string()
    .min(1)
    .refine(
      (value) => !isUnderPseudoFilesystem(value),
      `${name} must not be under ${PSEUDO_FILESYSTEMS.join(', ')} (kernel pseudo-filesystems)`,
    );
