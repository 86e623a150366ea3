import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

const FLAG_TYPE: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/**
 * Dynamic config the project's dev server starts with. `matching.useNewMatcher` makes the matching
 * service dispatch by task priority (Temporal 1.29 ignores priority keys without it: see
 * `npm run bench -- priority`); `matching.enableFairness` also shares dispatch fairly between
 * fairness keys (one per repository). Worker Versioning needs nothing here (1.29 enables deployment
 * versions by default); the two `matching.wv.*` values let an old build report "drained" seconds after
 * its last pinned workflow closes instead of minutes (the default grace covers a lagging visibility
 * store, which the dev server's SQLite is not).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, string> = {
  'matching.useNewMatcher': 'true',
  'matching.enableFairness': 'true',
  // Values are JSON: durations as strings.
  'matching.wv.VersionDrainageStatusVisibilityGracePeriod': '"5s"',
  'matching.wv.VersionDrainageStatusRefreshInterval': '"2s"',
};

export interface DevServerOptions {
  cliPath: string;
  /** The address it listens on (default 127.0.0.1; ::1 for an IPv6 TEMPORAL_ADDRESS). */
  ip?: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  dbFile: string;
  logFile: string;
  /** Detached servers outlive this process (the `swarm` CLI); attached ones die with it (tests). */
  detached: boolean;
  /** Replaces DEV_SERVER_DYNAMIC_CONFIG (the priority benchmark compares without it). */
  dynamicConfig?: Record<string, string>;
}

export function isPortOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(host: string, port: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`server exited with code ${child.exitCode} before listening on ${host}:${port}`);
    if (await isPortOpen(host, port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing listened on ${host}:${port} within ${timeoutMs} ms`);
}

/** Starts `temporal server start-dev` with the project's search attributes and waits until it answers. */
export async function startDevServer(options: DevServerOptions): Promise<ChildProcess> {
  mkdirSync(path.dirname(options.dbFile), { recursive: true });
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.ip ?? '127.0.0.1',
    '--port',
    String(options.port),
    '--db-filename',
    options.dbFile,
    '--log-level',
    'warn',
    ...Object.entries(options.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => [
      '--dynamic-config-value',
      `${key}=${value}`,
    ]),
    ...ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${FLAG_TYPE[key.type]}`]),
    ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
  ];
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.cliPath, args, { detached: options.detached, stdio: ['ignore', log, log] });
  if (options.detached) child.unref();
  try {
    await waitForPort(options.ip ?? '127.0.0.1', options.port, 60_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`Temporal dev server did not start (log: ${options.logFile}): ${(err as Error).message}`, {
      cause: err,
    });
  }
  return child;
}
