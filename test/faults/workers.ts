import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exited, stopProcess, waitExit, type ProcessRegistry } from './processes.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));

export interface WorkerKill {
  slot: number;
  pid: number;
  at: number;
}

interface Slot {
  index: number;
  child: ChildProcess | undefined;
  generation: number;
  /** Timer of a pending respawn. */
  respawn: NodeJS.Timeout | undefined;
  logFile: string;
}

export interface WorkerPoolOptions {
  size: number;
  logDir: string;
  cwd: string;
  /** The environment of the worker in `slot` (replica mode gives each slot its own replica file). */
  envFor(slot: number): NodeJS.ProcessEnv;
  /** Delay before a dead worker's slot is filled again. */
  respawnDelayMs: number;
  /** Bound on respawns over the whole run, so a worker that dies at start cannot loop forever. */
  maxSpawns: number;
  log(line: string): void;
}

/**
 * `node bin/swarm.js worker --model local` processes with a respawn policy: whenever one exits
 * (killed by the suite, or died), its slot gets a fresh process after `respawnDelayMs`.
 */
export class WorkerPool {
  private readonly slots: Slot[];
  private stopping = false;
  spawns = 0;
  readonly kills: WorkerKill[] = [];
  readonly unexpectedExits: Array<{
    slot: number;
    pid: number;
    code: number | null;
    signal: string | null;
    at: number;
  }> = [];

  constructor(
    private readonly registry: ProcessRegistry,
    private readonly options: WorkerPoolOptions,
  ) {
    this.slots = Array.from({ length: options.size }, (_, index) => ({
      index,
      child: undefined,
      generation: 0,
      respawn: undefined,
      logFile: '',
    }));
  }

  start(): void {
    for (const slot of this.slots) this.spawn(slot);
  }

  private spawn(slot: Slot): void {
    if (this.stopping) return;
    if (this.spawns >= this.options.maxSpawns) {
      this.options.log(
        `worker slot ${slot.index}: not respawned, the bound of ${this.options.maxSpawns} spawns is reached`,
      );
      return;
    }
    this.spawns++;
    slot.generation++;
    mkdirSync(this.options.logDir, { recursive: true });
    slot.logFile = path.join(this.options.logDir, `worker-${slot.index}.${slot.generation}.log`);
    const log = openSync(slot.logFile, 'a');
    const child = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      cwd: this.options.cwd,
      env: this.options.envFor(slot.index),
      stdio: ['ignore', log, log],
    });
    this.registry.track(child);
    slot.child = child;
    const pid = child.pid ?? -1;
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      const killed = this.kills.some((k) => k.pid === pid);
      if (!killed) {
        this.unexpectedExits.push({ slot: slot.index, pid, code, signal, at: Date.now() });
        this.options.log(`worker slot ${slot.index} (pid ${pid}) exited by itself: code ${code}, signal ${signal}`);
      }
      slot.respawn = setTimeout(() => {
        slot.respawn = undefined;
        this.spawn(slot);
      }, this.options.respawnDelayMs);
    });
  }

  /** Live workers' pids by slot. */
  live(): Array<{ slot: number; pid: number }> {
    return this.slots.flatMap((s) =>
      s.child && !exited(s.child) && s.child.pid !== undefined ? [{ slot: s.index, pid: s.child.pid }] : [],
    );
  }

  /** Live workers that have said they serve their task queue (workers/main.ts prints it once polling starts). */
  ready(): Array<{ slot: number; pid: number }> {
    return this.live().filter(({ slot }) => {
      try {
        return readFileSync(this.slots[slot]!.logFile, 'utf8').includes(' serving ');
      } catch {
        return false;
      }
    });
  }

  /** SIGKILLs the worker in `slot`; the respawn policy refills the slot. */
  async kill(slot: number): Promise<WorkerKill | undefined> {
    const child = this.slots[slot]?.child;
    if (!child || exited(child) || child.pid === undefined) return undefined;
    const kill = { slot, pid: child.pid, at: Date.now() };
    this.kills.push(kill);
    child.kill('SIGKILL');
    await waitExit(child, 10_000);
    return kill;
  }

  /** Graceful stop of every worker (SIGTERM; their grace for running activities is 10 s). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const slot of this.slots) if (slot.respawn) clearTimeout(slot.respawn);
    await Promise.all(this.slots.map((s) => stopProcess(s.child, 20_000)));
  }
}
