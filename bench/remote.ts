// `npm run bench -- remote [--tasks 5] [--files 200] [--modes local,remote-empty,remote-warm]`: what
// a repository by URL costs per task against the same task on a local path. The same one-file task with a trivial check runs, one at a time, in
// three modes, interleaved: `local` (the repository's path), `remote, empty mirror` (its URL on a real
// git smart-HTTP server on 127.0.0.1 with Basic auth, a worker whose SWARM_HOME is new: it clones)
// and `remote, warm mirror` (the same, with the mirror of the previous tasks: it fetches). Each task
// gets a new in-process worker (so every mode pays the same start), timed from submission to result.
// Prints median and p90 per mode, the extra time against local and the ratio, and the git requests.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createSwarmClient } from '../client/swarm-client.js';
import { loadConfig } from '../config/config.js';
import { openSwarmStore } from '../workers/swarm-store.js';
import { createTaskWorker, WORKFLOWS_PATH } from '../workers/task-worker.js';
import { createFixtureRepo } from '../test/helpers/fixture-repo.js';
import { createBareRepo, startGitServer } from '../test/helpers/git-server.js';
import { startBenchServer } from './bench-server.js';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '5' },
    files: { type: 'string', default: '200' },
    modes: { type: 'string', default: 'local,remote-empty,remote-warm' },
  },
});
const tasksPerMode = Number(values.tasks);
const repoFiles = Number(values.files);
if (!Number.isInteger(tasksPerMode) || tasksPerMode < 1 || tasksPerMode > 100)
  throw new Error(`--tasks must be a whole number from 1 to 100, got "${values.tasks}"`);
if (!Number.isInteger(repoFiles) || repoFiles < 0 || repoFiles > 100_000)
  throw new Error(`--files must be a whole number from 0 to 100000, got "${values.files}"`);

type Mode = 'local' | 'remote-empty' | 'remote-warm';
const ALL_MODES: Mode[] = ['local', 'remote-empty', 'remote-warm'];
const MODES = values.modes.split(',') as Mode[];
if (MODES.length === 0 || !MODES.every((m) => ALL_MODES.includes(m)))
  throw new Error(`--modes must be some of ${ALL_MODES.join(',')} (comma-separated), got "${values.modes}"`);
const LABEL: Record<Mode, string> = {
  local: 'local path',
  'remote-empty': 'URL, empty mirror',
  'remote-warm': 'URL, warm mirror',
};

const TOKEN_VAR = 'JETPACK_BENCH_GIT_TOKEN';
const token = randomBytes(16).toString('hex');

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const signed = (ms: number) => `${ms < 0 ? '−' : '+'}${seconds(Math.abs(ms))}`;

/** The fixture: `files` source files of about 1 KB each, and a check that always passes. */
function fixtureFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'README.md': 'remote benchmark fixture\n',
    '.swarm.json': JSON.stringify({ checks: { ok: 'true' } }),
  };
  for (let i = 0; i < repoFiles; i++)
    files[`src/m${i}.js`] = `export const m${i} = ${JSON.stringify(randomBytes(480).toString('hex'))};\n`;
  return files;
}

Runtime.install({ logger: new DefaultLogger('ERROR') });
const server = await startBenchServer('remote');
const root = server.dir;
const gitServer = await startGitServer({
  root: path.join(root, 'git-server'),
  auth: { username: 'x-access-token', password: token },
});
const baseEnv: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? root,
  TEMPORAL_ADDRESS: server.address,
  SWARM_SANDBOX: 'none',
  SWARM_DB_MODE: 'local',
  SWARM_DB_PATH: path.join(root, 'data.db'),
  SWARM_EMBEDDING_DIMENSIONS: '64',
  SWARM_TASK_QUEUE_PREFIX: 'bench-remote',
  SWARM_GIT_TOKEN_ENV: TOKEN_VAR,
  [TOKEN_VAR]: token,
};
const homeFor = (name: string) => {
  const home = path.join(root, 'homes', name);
  mkdirSync(home, { recursive: true });
  return home;
};
const envFor = (home: string) => ({ ...baseEnv, SWARM_HOME: home });

const connection = await Connection.connect({ address: server.address });
const nativeConnection = await NativeConnection.connect({ address: server.address });
const clientConfig = loadConfig(envFor(homeFor('client')), root);
const store = await openSwarmStore(clientConfig, baseEnv);
try {
  const swarm = createSwarmClient({
    config: clientConfig,
    store,
    temporal: new Client({ connection }),
    env: baseEnv,
  });
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
  const bundlePath = path.join(root, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  const files = fixtureFiles();
  const localRepo = await createFixtureRepo(path.join(root, 'local-repo'), files);
  const repos: Record<Mode, string> = {
    local: localRepo,
    'remote-empty': (await createBareRepo(gitServer.root, 'empty', files), gitServer.url('empty')),
    'remote-warm': (await createBareRepo(gitServer.root, 'warm', files), gitServer.url('warm')),
  };
  const bareName: Record<Mode, string | null> = { local: null, 'remote-empty': 'empty', 'remote-warm': 'warm' };
  const warmHome = homeFor('warm');
  const times: Record<Mode, number[]> = { local: [], 'remote-empty': [], 'remote-warm': [] };
  const failures: Record<Mode, number> = { local: 0, 'remote-empty': 0, 'remote-warm': 0 };

  const runTask = async (mode: Mode, index: number) => {
    const home = mode === 'remote-warm' ? warmHome : homeFor(`${mode}-${index}`);
    const env = envFor(home);
    const config = loadConfig(env, home);
    const worker = await createTaskWorker({
      config,
      modelType: 'local',
      connection: nativeConnection,
      store,
      env,
      workflowBundle: { codePath: bundlePath },
    });
    return worker.runUntil(async () => {
      while (worker.worker.getState() !== 'RUNNING') await new Promise((r) => setTimeout(r, 10));
      const started = Date.now();
      const task = await swarm.createTask({
        title: `${mode} ${index}`,
        description: `\`\`\`write bench/${mode}-${index}.txt\n${mode} ${index}\n\`\`\``,
        repo: repos[mode],
        model: 'local',
      });
      await swarm.waitForResult(task.id).catch(() => undefined);
      const ms = Date.now() - started;
      if ((await store.results.get(task.id))?.status !== 'succeeded') failures[mode]++;
      return ms;
    });
  };

  // Interleaved, so slow drift of the machine (other processes) favours no mode.
  // A first task per mode (not counted) warms Temporal, the database and the warm mode's mirror.
  for (const mode of MODES) await runTask(mode, 0);
  const requestsBefore = gitServer.requests.length;
  for (let i = 1; i <= tasksPerMode; i++) {
    for (const mode of MODES) {
      const ms = await runTask(mode, i);
      times[mode].push(ms);
      console.error(`  ${LABEL[mode]} #${i}: ${seconds(ms)}`);
    }
  }
  const measured = gitServer.requests.slice(requestsBefore);

  const hasLocal = MODES.includes('local');
  const local = percentile(times.local, 50);
  const localP90 = percentile(times.local, 90);
  console.log(
    `Per task, ${tasksPerMode} task(s) per mode, a ${repoFiles}-file repository, sandbox off, local libSQL, dev server:`,
  );
  console.log('');
  console.log(
    '| mode | median | p90 | extra vs local (median) | extra vs local (p90) | ratio (median) | fetches and ls-remotes / task | pushes / task | failures |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const mode of MODES) {
    const median = percentile(times[mode], 50);
    const p90 = percentile(times[mode], 90);
    const name = bareName[mode];
    // Each git that talks to the server starts with GET info/refs (after a 401 and the askpass answer);
    // each push then POSTs to git-receive-pack.
    const count = (path: string, method: string, status: number) =>
      measured.filter((r) => r.path === `/${name}.git/${path}` && r.method === method && r.status === status).length;
    const perTask = (n: number) => (name === null ? '–' : (n / tasksPerMode).toFixed(1));
    const pushes = count('git-receive-pack', 'POST', 200);
    const fetches = perTask(count('info/refs', 'GET', 200) - pushes);
    const vsLocal = mode !== 'local' && hasLocal;
    const extra = vsLocal ? signed(median - local) : '–';
    const extraP90 = vsLocal ? signed(p90 - localP90) : '–';
    const ratio = vsLocal ? `${(median / local).toFixed(2)}×` : '–';
    console.log(
      `| ${LABEL[mode]} | ${seconds(median)} | ${seconds(p90)} | ${extra} | ${extraP90} | ${ratio} | ${fetches} | ${perTask(pushes)} | ${failures[mode]} |`,
    );
  }
  writeFileSync(path.join(root, 'times.json'), JSON.stringify(times));
} finally {
  await connection.close();
  await nativeConnection.close();
  store.close();
  await gitServer.close();
  await server.stop();
}
