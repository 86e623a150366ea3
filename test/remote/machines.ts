import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stopProcess, waitExit } from '../faults/processes.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));
const run = promisify(execFile);

/**
 * The environment of the test process without anything that would point a swarm process elsewhere:
 * the caller's swarm, database and Temporal settings and provider keys are left out.
 */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(SWARM_|TURSO_|TEMPORAL_|GIT_)/.test(k) || /_API_KEY$/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

/**
 * One "machine": its own SWARM_HOME, worktrees directory and HOME (so nothing on disk is shared with
 * another machine), and the settings every machine shares (Temporal, the database, the task queue
 * prefix, the git token's variable).
 */
export class Machine {
  readonly home: string;
  readonly logFiles: string[] = [];
  private child: ChildProcess | undefined;

  constructor(
    readonly name: string,
    root: string,
    private readonly shared: Record<string, string>,
  ) {
    this.home = path.join(root, name);
  }

  get swarmHome(): string {
    return path.join(this.home, 'swarm');
  }

  get worktreesDir(): string {
    return path.join(this.home, 'worktrees');
  }

  get env(): Record<string, string> {
    return {
      ...cleanEnv(),
      ...this.shared,
      HOME: path.join(this.home, 'user'),
      SWARM_HOME: this.swarmHome,
      SWARM_WORKTREES_DIR: this.worktreesDir,
    };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts `swarm worker --model local` and resolves once it serves its task queue. */
  async startWorker(timeoutMs = 90_000): Promise<void> {
    mkdirSync(path.join(this.home, 'user'), { recursive: true });
    const logFile = path.join(this.home, `worker-${this.logFiles.length + 1}.log`);
    this.logFiles.push(logFile);
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      cwd: this.home,
      env: this.env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (!readFileSync(logFile, 'utf8').includes(' serving ')) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline)
        throw new Error(`worker on ${this.name} did not start:\n${readFileSync(logFile, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL, as a machine that loses power. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await waitExit(child, 10_000);
  }

  async stop(): Promise<void> {
    await stopProcess(this.child, 15_000);
  }

  /** Everything the machine's workers printed. */
  logs(): string {
    return this.logFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
  }

  /** The agent ids of this machine's workers (each prints `worker <id> serving <queue>`). */
  agentIds(): string[] {
    return [...this.logs().matchAll(/^worker (\S+) serving /gm)].map((m) => m[1]!);
  }

  /** The `swarm` CLI run on this machine. */
  async cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
    mkdirSync(path.join(this.home, 'user'), { recursive: true });
    return run(process.execPath, [SWARM_BIN, ...args], { cwd: this.home, env: this.env, maxBuffer: 16 << 20 });
  }
}
