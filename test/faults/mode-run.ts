import { appendFileSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createSwarmClient } from '../../client/swarm-client.js';
import { freePort } from '../../client/temporal-dev-server.js';
import { loadConfig } from '../../config/config.js';
import type { Store } from '../../db/index.js';
import { openSwarmStore } from '../../workers/swarm-store.js';
import { judgeTask, leftoverWorktrees, orphans, type SubmittedTask, type TaskVerdict } from './measure.js';
import { measureKillRecovery, measureResume, viewWorkflow, watchHeartbeatTimeouts, type Recovery } from './monitor.js';
import { killMarkedProcesses, ProcessRegistry, type MarkedProcess } from './processes.js';
import { seededRng, type Rng } from './rng.js';
import { Sqld, TemporalServer } from './servers.js';
import { WorkerPool } from './workers.js';
import { createRepos, planTask } from './workload.js';

export type DbMode = 'local' | 'remote' | 'replica';
export type PhaseKind = 'worker-kill' | 'temporal-restart' | 'sqld-stop' | 'sqld-kill';

export interface SuiteOptions {
  tasks: number;
  workers: number;
  seed: number;
  kills: number;
  steps: number;
  repos: number;
  sqldStopSeconds: number;
  downSeconds: number;
  drainMinutes: number;
  /** TURSO_SYNC_INTERVAL of the workers' replicas (replica mode); undefined keeps the product default (5 s). */
  replicaSyncSeconds?: number;
}

export interface PhaseReport {
  kind: PhaseKind;
  /** What was injected, in words. */
  fault: string;
  /** Not applicable in this mode (sqld faults in local mode). */
  notApplicable?: string;
  taskIds: string[];
  /** Worker kills: kill → retry started; infrastructure faults: end of the outage → next progress. */
  recoveries: Recovery[];
  outageMs?: number;
  /** Activity tries timed out by heartbeat during the outage (and up to 15 s after it). */
  heartbeatTimeouts?: string[];
}

export interface ModeReport {
  mode: DbMode;
  startedAt: string;
  durationMs: number;
  phases: PhaseReport[];
  verdicts: TaskVerdict[];
  /** Marked processes alive after every task ended and the workers were stopped. */
  orphans: MarkedProcess[];
  worktrees: string[];
  kills: number;
  /** Each worker SIGKILL: slot, pid, time. */
  killLog: Array<{ slot: number; pid: number; at: number }>;
  workerSpawns: number;
  unexpectedWorkerExits: number;
  notes: string[];
  runDir: string;
}

/** Stops of the runs in progress, for an interrupted suite. */
export const activeCleanups = new Set<() => Promise<void>>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Env of every swarm process of the run; provider keys and the caller's swarm settings left out. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(SWARM_|TURSO_|TEMPORAL_(ADDRESS|NAMESPACE|UI_URL))/.test(k) || /_API_KEY$/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

/** One run of the workload under faults in one database mode: its own servers, workers, repos and tasks. */
export async function runMode(
  mode: DbMode,
  options: SuiteOptions,
  runDir: string,
  log: (line: string) => void,
): Promise<ModeReport> {
  const started = Date.now();
  mkdirSync(runDir, { recursive: true });
  const say = (line: string) => {
    const stamped = `[${mode} +${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`;
    appendFileSync(path.join(runDir, 'suite.log'), stamped + '\n');
    log(stamped);
  };
  // Two streams, so the kill schedule does not depend on how task planning interleaves with it.
  const modeSeed = options.seed * 1000 + ['local', 'remote', 'replica'].indexOf(mode);
  const rng: Rng = seededRng(modeSeed);
  const killRng: Rng = seededRng(modeSeed + 500);
  const runId = `${mode}${options.seed}${started.toString(36)}`.replace(/[^a-z0-9]/gi, '');
  const marker = `JPFAULT_${runId}`;
  const registry = new ProcessRegistry();
  const home = path.join(runDir, 'home');
  const notes: string[] = [];
  const temporal = new TemporalServer(registry, path.join(runDir, 'temporal'), await freePort());
  const sqld = mode === 'local' ? undefined : new Sqld(registry, path.join(runDir, 'sqld'), await freePort());
  let pool: WorkerPool | undefined;
  let connection: Connection | undefined;
  let store: Store | undefined;
  const exitHandler = () => {
    registry.killAllNow();
    killMarkedProcesses(marker);
  };
  process.once('exit', exitHandler);
  let finished = false;
  const cleanup = async () => {
    finished = true;
    await pool?.stop().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    store?.close();
    await registry.stopAll();
    killMarkedProcesses(marker);
  };
  activeCleanups.add(cleanup);

  try {
    say(`starting Temporal on ${temporal.address}${sqld ? ` and sqld on ${sqld.url}` : ''}`);
    await Promise.all([temporal.start(), sqld?.start()]);

    const env: NodeJS.ProcessEnv = {
      ...baseEnv(),
      SWARM_HOME: home,
      SWARM_TASK_QUEUE_PREFIX: `faults-${runId}`,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_UI_URL: 'http://localhost:8233',
      SWARM_EMBEDDING_DIMENSIONS: '256',
      ...(sqld ? { TURSO_DATABASE_URL: sqld.url, SWARM_DB_MODE: 'remote' } : { SWARM_DB_MODE: 'local' }),
    };
    // The suite's own client reads the primary (remote) or the shared file (local).
    const config = loadConfig(env as Record<string, string>, runDir);
    store = await openSwarmStore(config, env as Record<string, string>);
    connection = await Connection.connect({ address: temporal.address, connectTimeout: '5s' });
    const temporalClient = new Client({ connection, namespace: config.temporal.namespace });
    const swarm = createSwarmClient({ config, store, temporal: temporalClient });

    const repos = (await createRepos(path.join(runDir, 'repos'), options.repos, marker)).map((r) => realpathSync(r));
    pool = new WorkerPool(registry, {
      size: options.workers,
      logDir: path.join(runDir, 'workers'),
      cwd: runDir,
      envFor: (slot) =>
        mode === 'replica'
          ? {
              ...env,
              SWARM_DB_MODE: 'replica',
              SWARM_DB_PATH: path.join(home, `replica-${slot}.db`),
              ...(options.replicaSyncSeconds ? { TURSO_SYNC_INTERVAL: String(options.replicaSyncSeconds) } : {}),
            }
          : env,
      respawnDelayMs: 1_000,
      maxSpawns: options.workers + options.kills + 10,
      log: say,
    });
    pool.start();
    const readyDeadline = Date.now() + 180_000;
    while (pool.ready().length < options.workers) {
      if (Date.now() > readyDeadline)
        throw new Error(`workers not ready within 180 s (logs in ${path.join(runDir, 'workers')})`);
      await sleep(500);
    }
    say(`${options.workers} workers ready (${mode} database)`);

    // The phases: worker kills run through the whole run; each infrastructure fault gets its own batch of tasks.
    const infra: PhaseKind[] = mode === 'local' ? ['temporal-restart'] : ['temporal-restart', 'sqld-stop', 'sqld-kill'];
    const perInfra = Math.max(1, Math.floor(options.tasks / 5));
    const killBatch = Math.max(1, options.tasks - perInfra * infra.length);
    const phases: PhaseReport[] = [
      { kind: 'worker-kill', fault: '', taskIds: [], recoveries: [] },
      ...infra.map((kind) => ({ kind, fault: '', taskIds: [], recoveries: [] }) as PhaseReport),
    ];
    if (mode === 'local') {
      for (const kind of ['sqld-stop', 'sqld-kill'] as const) {
        phases.push({
          kind,
          fault: 'none',
          notApplicable: 'local mode has no sqld: the workers share one file',
          taskIds: [],
          recoveries: [],
        });
      }
    }

    const submitted: SubmittedTask[] = [];
    let nextIndex = 1;
    const submitBatch = async (phase: PhaseReport, count: number) => {
      for (let i = 0; i < count; i++) {
        const index = nextIndex++;
        const plan = await planTask({
          index,
          phase: phase.kind,
          repo: repos[(index - 1) % repos.length]!,
          marker,
          steps: options.steps,
          rng,
        });
        const task = await swarm.createTask({
          title: plan.title,
          description: plan.description,
          repo: plan.repo,
          baseBranch: plan.baseBranch,
          maxAttempts: 3,
        });
        submitted.push({ ...plan, id: task.id, workflowId: task.workflowId, submittedAt: Date.now() });
        phase.taskIds.push(task.id);
      }
      say(`submitted ${count} task(s) for ${phase.kind}: ${phase.taskIds.join(' ')}`);
    };
    const runningIds = () => submitted.map((t) => t.workflowId);

    // Worker kills: at seeded random intervals, a seeded random ready worker; paused around infrastructure outages.
    let infraBusy = false;
    let infraDone = false;
    let killsDone = 0;
    const killPhase = phases[0]!;
    const pendingMeasures: Array<Promise<void>> = [];
    const allClosed = async () => {
      const views = await Promise.all(runningIds().map((id) => viewWorkflow(temporalClient, id)));
      return views.every((v) => v !== undefined && v.status !== 'RUNNING');
    };
    const killLoop = (async () => {
      while (killsDone < options.kills && !finished) {
        await sleep(killRng.between(5_000, 12_000));
        if (finished || (infraDone && (await allClosed()))) break;
        while (infraBusy && !finished) await sleep(500);
        if (finished) break;
        // Keep the pool serving: kill only while another ready worker survives the kill.
        const ready = pool!.ready();
        if (ready.length < 2) continue;
        const victim = ready[killRng.index(ready.length)]!;
        const kill = await pool!.kill(victim.slot);
        if (!kill) continue;
        killsDone++;
        say(`SIGKILL worker slot ${kill.slot} (pid ${kill.pid}), kill ${killsDone} of ${options.kills}`);
        pendingMeasures.push(
          measureKillRecovery(temporalClient, runningIds(), kill.pid, kill.at, 180_000).then((r) => {
            killPhase.recoveries.push(...r);
            if (r.length > 0)
              say(
                `recovery after kill of pid ${kill.pid}: ${r.map((x) => `${x.activity} ${x.ms === undefined ? 'none' : (x.ms / 1000).toFixed(1) + ' s'}`).join(', ')}`,
              );
          }),
        );
      }
    })();

    await submitBatch(killPhase, killBatch);
    // The kill phase lasts until its kills are done or its tasks have ended (at least 30 s, at most 3 min).
    const killPhaseStart = Date.now();
    const batchClosed = async (phase: PhaseReport) =>
      (await Promise.all(phase.taskIds.map((id) => viewWorkflow(temporalClient, `task-${id}`)))).every(
        (v) => v && v.status !== 'RUNNING',
      );
    while (Date.now() < killPhaseStart + 180_000) {
      await sleep(1_000);
      if (Date.now() < killPhaseStart + 30_000) continue;
      if (killsDone >= options.kills || (await batchClosed(killPhase))) break;
    }

    let lastFaultEnd = Date.now();
    for (const phase of phases.slice(1)) {
      if (phase.notApplicable) continue;
      // No worker kills from here until 15 s after the outage, and the last kill's retries have started
      // before the batch goes in, so that each recovery is measured on its own.
      infraBusy = true;
      const lastKill = pool.kills.at(-1)?.at ?? 0;
      await sleep(Math.max(0, lastKill + 20_000 - Date.now()));
      await submitBatch(phase, perInfra);
      // Inject once the batch is under way (its agents running), bounded.
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const views = await Promise.all(phase.taskIds.map((id) => viewWorkflow(temporalClient, `task-${id}`)));
        if (
          views.filter((v) => v?.activities.some((a) => a.type === 'agentTurn')).length >=
          Math.ceil(phase.taskIds.length / 2)
        )
          break;
        await sleep(500);
      }
      await sleep(2_000);
      const faultStart = Date.now();
      const timeouts = watchHeartbeatTimeouts(temporalClient, runningIds, faultStart, (identity) =>
        pool!.kills.some((k) => identity.includes(`-${k.pid}-`)),
      );
      if (phase.kind === 'temporal-restart') {
        say(
          `SIGKILL Temporal (pid ${temporal.pid}); ${options.downSeconds} s down, then restart on the same port and db file`,
        );
        await temporal.kill();
        await sleep(options.downSeconds * 1_000);
        await temporal.start();
        phase.fault = `SIGKILL, ${options.downSeconds} s down, restart`;
      } else if (phase.kind === 'sqld-stop') {
        say(`SIGSTOP sqld for ${options.sqldStopSeconds} s`);
        sqld!.signal('SIGSTOP');
        await sleep(options.sqldStopSeconds * 1_000);
        sqld!.signal('SIGCONT');
        phase.fault = `SIGSTOP ${options.sqldStopSeconds} s, SIGCONT`;
      } else if (phase.kind === 'sqld-kill') {
        say(`SIGKILL sqld; ${options.downSeconds} s down, then restart on the same port and data dir`);
        await sqld!.kill();
        await sleep(options.downSeconds * 1_000);
        await sqld!.start();
        phase.fault = `SIGKILL, ${options.downSeconds} s down, restart`;
      }
      const faultEnd = Date.now();
      phase.outageMs = faultEnd - faultStart;
      lastFaultEnd = faultEnd;
      say(`${phase.kind} over after ${(phase.outageMs / 1000).toFixed(1)} s`);
      const resume = await measureResume(temporalClient, runningIds(), faultEnd, 180_000);
      phase.recoveries.push(...resume);
      say(
        resume.length === 0
          ? `resume after ${phase.kind}: no task was running`
          : `resume after ${phase.kind}: ${resume.map((r) => (r.ms === undefined ? 'none' : (r.ms / 1000).toFixed(1))).join(', ')} s`,
      );
      await sleep(Math.max(0, faultEnd + 15_000 - Date.now()));
      phase.heartbeatTimeouts = await timeouts.stop();
      if (phase.heartbeatTimeouts.length > 0)
        say(`heartbeat timeouts during ${phase.kind}: ${phase.heartbeatTimeouts.join('; ')}`);
      infraBusy = false;
    }
    infraDone = true;

    // Drain: every task must end within the deadline.
    const deadline = lastFaultEnd + options.drainMinutes * 60_000;
    while (Date.now() < deadline && !(await allClosed())) await sleep(2_000);
    await killLoop;
    await Promise.all(pendingMeasures);
    killPhase.fault = `${killsDone} SIGKILL(s) of ${options.workers} workers at random points, respawned after 1 s`;
    say(`drained; judging ${submitted.length} task(s)`);

    const verdicts: TaskVerdict[] = [];
    for (const task of submitted) verdicts.push(await judgeTask(task, temporalClient, store));
    const worktrees = await leftoverWorktrees(config.worktreesDir, repos);

    await pool.stop();
    await sleep(1_000);
    const left = orphans(marker);
    if (left.length > 0) say(`orphans: ${left.map((p) => `${p.pid} ${p.label} "${p.cmdline}"`).join(' | ')}`);
    if (pool.unexpectedExits.length > 0)
      notes.push(`${pool.unexpectedExits.length} worker(s) exited by themselves (see ${path.join(runDir, 'workers')})`);

    return {
      mode,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      phases,
      verdicts,
      orphans: left,
      worktrees,
      kills: killsDone,
      killLog: pool.kills,
      workerSpawns: pool.spawns,
      unexpectedWorkerExits: pool.unexpectedExits.length,
      notes,
      runDir,
    };
  } finally {
    await cleanup();
    activeCleanups.delete(cleanup);
    process.off('exit', exitHandler);
  }
}

/** The last lines of a file, for error messages. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
