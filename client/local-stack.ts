import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseHostPort } from '../config/bounds.js';
import type { SwarmConfig } from '../config/config.js';
import { describeTemporal, isPlainLocal } from '../config/temporal-settings.js';
import { TemporalUnavailableError } from '../errors/temporal-errors.js';
import { temporalCliPath } from './temporal-cli.js';
import { isPortOpen, startDevServer } from './temporal-dev-server.js';

const pidFile = (config: SwarmConfig) => path.join(config.home, 'temporal.pid');

/**
 * Makes sure a Temporal server answers at the configured address. When none does and the address
 * is local and plain (no TLS, no API key: never in place of a secured server), starts a dev server with the Web UI in the background (it keeps running after this
 * process exits; `swarm server stop` ends it). Workflows persist in `<home>/temporal.db`.
 */
export async function ensureLocalTemporal(
  config: SwarmConfig,
  log: (line: string) => void,
): Promise<{ started: boolean }> {
  const { host, port } = parseHostPort(config.temporal.address)!;
  if (await isPortOpen(host, port)) return { started: false };
  if (!isPlainLocal(config.temporal)) {
    const why = config.temporal.secured ? 'it is secured (TLS or an API key)' : 'it is not local';
    throw new TemporalUnavailableError(
      `Temporal at ${describeTemporal(config.temporal)} does not answer, and ${why}, so no dev server is started in its place`,
    );
  }
  const uiPort = Number(new URL(config.temporal.uiUrl).port || 80);
  log(`starting the Temporal dev server on ${config.temporal.address} (Web UI ${config.temporal.uiUrl}) ...`);
  const child = await startDevServer({
    cliPath: temporalCliPath(config.temporal.cliPath),
    ip: host === '::1' ? '::1' : '127.0.0.1',
    port,
    uiPort,
    dbFile: path.join(config.home, 'temporal.db'),
    logFile: path.join(config.home, 'temporal.log'),
    detached: true,
  });
  writeFileSync(pidFile(config), String(child.pid));
  return { started: true };
}

/** Stops the dev server that `swarm start` or `swarm demo` started; false when there was none. */
export function stopLocalTemporal(config: SwarmConfig): boolean {
  const file = pidFile(config);
  if (!existsSync(file)) return false;
  const pid = Number(readFileSync(file, 'utf8'));
  rmSync(file);
  try {
    process.kill(pid, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}
