// The fault suite: `npm run test:faults [-- --mode remote --tasks 20 ...]`. Not part of `npm test`.
// Starts its own Temporal dev server, sqld and worker processes per database mode, submits tasks on
// fixture repos, injects faults (worker SIGKILLs, Temporal SIGKILL + restart, sqld SIGSTOP and
// SIGKILL + restart), then checks that no work was lost, duplicated or repeated and prints a table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { activeCleanups, runMode, type DbMode, type ModeReport, type SuiteOptions } from './mode-run.js';
import { extraCounts, failures, modeTable, recoverySummary } from './report.js';

const USAGE = `usage: npm run test:faults -- [options]
  --mode local|remote|replica|all   database mode(s) to run (default all)
  --tasks N                         tasks per mode (default 20)
  --workers N                       worker processes kept alive (default 3)
  --kills N                         at most this many worker SIGKILLs per mode (default 10)
  --steps N                         run steps per task (default 4)
  --repos N                         fixture repos (each task has its own base branch; default 4)
  --seed N                          seed of the fault schedule (default 1)
  --sqld-stop-seconds N             SIGSTOP duration (default 60)
  --down-seconds N                  downtime after a SIGKILL of Temporal or sqld (default 5)
  --drain-minutes N                 after the last fault, how long tasks may take to end (default 5)
  --replica-sync-seconds X          TURSO_SYNC_INTERVAL of the workers' replicas (default: the product's 5 s)
  --keep                            keep the run directory (it is always kept when the suite fails)`;

function positiveInt(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        mode: { type: 'string', default: 'all' },
        tasks: { type: 'string' },
        workers: { type: 'string' },
        kills: { type: 'string' },
        steps: { type: 'string' },
        repos: { type: 'string' },
        seed: { type: 'string' },
        'sqld-stop-seconds': { type: 'string' },
        'down-seconds': { type: 'string' },
        'drain-minutes': { type: 'string' },
        'replica-sync-seconds': { type: 'string' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const modes: DbMode[] = values.mode === 'all' ? ['local', 'remote', 'replica'] : [values.mode as DbMode];
  if (!modes.every((m) => ['local', 'remote', 'replica'].includes(m))) {
    console.error(`--mode must be local, remote, replica or all, got "${values.mode}"\n${USAGE}`);
    return 2;
  }
  const options: SuiteOptions = {
    tasks: positiveInt('tasks', values.tasks, 20),
    workers: positiveInt('workers', values.workers, 3, 2),
    kills: positiveInt('kills', values.kills, 10, 0),
    steps: positiveInt('steps', values.steps, 4),
    repos: positiveInt('repos', values.repos, 4),
    seed: positiveInt('seed', values.seed, 1, 0),
    sqldStopSeconds: positiveInt('sqld-stop-seconds', values['sqld-stop-seconds'], 60),
    downSeconds: positiveInt('down-seconds', values['down-seconds'], 5, 0),
    drainMinutes: positiveInt('drain-minutes', values['drain-minutes'], 5),
  };
  if (values['replica-sync-seconds'] !== undefined) {
    const x = Number(values['replica-sync-seconds']);
    if (!(x > 0)) {
      console.error(
        `--replica-sync-seconds must be a positive number, got "${values['replica-sync-seconds']}"\n${USAGE}`,
      );
      return 2;
    }
    options.replicaSyncSeconds = x;
  }

  const root = mkdtempSync(path.join(tmpdir(), 'jetpack-faults-'));
  const started = new Date();
  console.log(`fault suite: modes ${modes.join(', ')}; ${JSON.stringify(options)}; run dir ${root}`);
  let interrupted = false;
  const onSignal = () => {
    // Stop what the runs started, then leave; a second signal exits at once (the exit handlers kill the rest).
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`interrupted: stopping the servers and workers (run dir ${root}) …`);
    const timeout = new Promise((r) => setTimeout(r, 30_000));
    void Promise.race([Promise.all([...activeCleanups].map((c) => c())), timeout]).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const reports: ModeReport[] = [];
  const errors: string[] = [];
  for (const mode of modes) {
    if (interrupted) break;
    try {
      reports.push(await runMode(mode, options, path.join(root, mode), (line) => console.log(line)));
    } catch (err) {
      errors.push(`${mode}: the run itself failed: ${(err as Error).stack ?? err}`);
    }
  }

  const out: string[] = [];
  out.push(
    `\n# Fault suite, ${started.toISOString()} on ${hostname()} (${cpus().length} cores), seed ${options.seed}\n`,
  );
  for (const report of reports) {
    out.push(`## ${report.mode} mode (${(report.durationMs / 60_000).toFixed(1)} min)\n`);
    out.push(modeTable(report));
    out.push('');
    out.push(recoverySummary(report));
    out.push(extraCounts(report));
    for (const note of report.notes) out.push(`note: ${note}`);
    out.push('');
  }
  const problems = [...errors, ...reports.flatMap(failures)];
  if (interrupted) problems.push('interrupted');
  out.push(
    problems.length === 0
      ? 'PASS: no lost, failed, stuck, duplicated or repeated work, no orphans.'
      : `FAIL (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  const text = out.join('\n');
  console.log(text);
  writeFileSync(path.join(root, 'report.md'), text + '\n');
  writeFileSync(
    path.join(root, 'report.json'),
    JSON.stringify(
      {
        options,
        modes,
        reports: reports.map((r) => ({
          ...r,
          verdicts: r.verdicts.map((v) => ({ ...v, task: { ...v.task, description: undefined } })),
        })),
        problems,
      },
      null,
      2,
    ),
  );
  if (problems.length === 0 && !values.keep) rmSync(root, { recursive: true, force: true });
  else console.log(`run directory kept: ${root} (report.md, report.json, suite.log, worker and server logs)`);
  return problems.length === 0 ? 0 : 1;
}

process.exit(await main());
