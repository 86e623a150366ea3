// `npm run bench -- cli [--runs 5] [--no-worker]`: what starting the `swarm` CLI and a worker costs,
// before (the TypeScript sources through tsx's loader; a worker bundles the workflow code at start)
// and after (the compiled build in dist/ with its prebuilt workflow bundle), side by side. Builds
// dist/ first when it is not current. The worker start needs a Temporal dev server (started here).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { temporalCliPath } from '../client/temporal-cli.js';
import { freePort, startDevServer } from '../client/temporal-dev-server.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'no-worker': { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, got "${values.runs}"`);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SWARM = path.join(ROOT, 'bin/swarm.js');
const home = mkdtempSync(path.join(tmpdir(), 'jetpack-bench-cli-'));

const { compiledEntry } = (await import(path.join(ROOT, 'bin/compiled-entry.js'))) as {
  compiledEntry: (file: string) => string | null;
};
if (!compiledEntry('client/run-cli.js')) {
  console.log('building dist/ (npm run build) ...');
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.js')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
}

type Mode = 'before' | 'after';
const modeEnv = (mode: Mode) => ({
  ...process.env,
  SWARM_HOME: home,
  SWARM_SANDBOX: 'none',
  ...(mode === 'before' ? { SWARM_FROM_SOURCE: '1' } : {}),
});

/** Wall time of one process run to its end, in ms. */
function timed(args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  return performance.now() - started;
}

/** Time from spawning `swarm worker` to its "serving" line, in ms; then stops it. */
function workerStart(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [SWARM, 'worker', '--model', 'local'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      if (/worker \S+ serving/.test(output)) {
        const ms = performance.now() - started;
        child.once('exit', () => resolve(ms));
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (!/serving/.test(output)) reject(new Error(`worker exited (${code}) before serving:\n${output}`));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

const commands: Array<[string, string[]]> = [
  ['swarm --help', [SWARM, '--help']],
  ['swarm task list', [SWARM, 'task', 'list']],
  ['swarm memory list', [SWARM, 'memory', 'list']],
];
const rows: Array<[string, number, number]> = [];
const nodeAlone = median(Array.from({ length: runs }, () => timed(['-e', '0'], process.env)));
rows.push(['node -e 0 (the floor)', nodeAlone, nodeAlone]);
// The database is created (and migrated) by the first run, outside the measurement.
timed([SWARM, 'task', 'list'], modeEnv('after'));
for (const [name, args] of commands) {
  const samples: Record<Mode, number[]> = { before: [], after: [] };
  for (let i = 0; i < runs; i++)
    for (const mode of ['before', 'after'] as const) samples[mode].push(timed(args, modeEnv(mode)));
  rows.push([name, median(samples.before), median(samples.after)]);
}

let temporal: ReturnType<typeof spawn> | undefined;
try {
  if (!values['no-worker']) {
    const port = await freePort();
    temporal = await startDevServer({
      cliPath: temporalCliPath(process.env.TEMPORAL_CLI_PATH),
      port,
      dbFile: path.join(home, 'temporal.db'),
      logFile: path.join(home, 'temporal.log'),
      detached: false,
    });
    const samples: Record<Mode, number[]> = { before: [], after: [] };
    for (let i = 0; i < Math.min(runs, 3); i++)
      for (const mode of ['before', 'after'] as const)
        samples[mode].push(await workerStart({ ...modeEnv(mode), TEMPORAL_ADDRESS: `127.0.0.1:${port}` }));
    rows.push(['worker start (to "serving")', median(samples.before), median(samples.after)]);
  }
} finally {
  temporal?.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}

const help = rows.find(([name]) => name === 'swarm --help')!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `\nmedian wall time of ${runs} run(s) each; before = TS sources via tsx (worker bundles at start), after = dist/ (prebuilt bundle)\n`,
);
console.log(
  [
    'what'.padEnd(30),
    'before'.padStart(9),
    'after'.padStart(9),
    'speed-up'.padStart(9),
    '  start-up share (after)',
  ].join(''),
);
for (const [name, before, after] of rows) {
  const share =
    name.startsWith('swarm ') && name !== 'swarm --help' ? `  ${Math.round((help[2] / after) * 100)} %` : '';
  console.log(
    [
      name.padEnd(30),
      fmt(before).padStart(9),
      fmt(after).padStart(9),
      `${(before / after).toFixed(1)}×`.padStart(9),
      share,
    ].join(''),
  );
}
