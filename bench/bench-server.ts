import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { temporalCliPath } from '../client/temporal-cli.js';
import { freePort, startDevServer } from '../client/temporal-dev-server.js';

export interface BenchServer {
  /** A fresh directory for the run (the server's files live in it too). */
  dir: string;
  address: string;
  /** Stops the server, waits for it to exit (it writes its database until then), and removes `dir`. */
  stop(): Promise<void>;
}

/** A private Temporal dev server in its own temporary directory, for one benchmark run. */
export async function startBenchServer(name: string, dynamicConfig?: Record<string, string>): Promise<BenchServer> {
  const dir = mkdtempSync(path.join(tmpdir(), `jetpack-bench-${name}-`));
  const port = await freePort();
  const server = await startDevServer({
    cliPath: temporalCliPath(process.env.TEMPORAL_CLI_PATH),
    port,
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
    detached: false,
    ...(dynamicConfig ? { dynamicConfig } : {}),
  });
  return {
    dir,
    address: `127.0.0.1:${port}`,
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
