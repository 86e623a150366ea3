// Workers on separate "machines" that share nothing but Temporal, a remote database (sqld) and a git
// remote (git http-backend on 127.0.0.1 with Basic auth): each worker process has its own SWARM_HOME,
// worktrees directory and HOME; tasks name their repository by URL.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSwarmClient, type SwarmClient } from '../../client/swarm-client.js';
import { loadConfig } from '../../config/config.js';
import type { Store } from '../../db/index.js';
import { openSwarmStore } from '../../workers/swarm-store.js';
import { git, gitMaybe } from '../../workspace/git.js';
import { writeBlock } from '../helpers/fixture-repo.js';
import { createBareRepo, refusePushesTo, startGitServer, type GitServer } from '../helpers/git-server.js';
import { columnsContaining } from '../helpers/scan-db.js';
import { startSqld, type SqldServer } from '../helpers/sqld.js';
import { tempDir } from '../helpers/test-env.js';
import { activityWorkers, countFiles, filesContaining, workflowHistories } from './leaks.js';
import { Machine } from './machines.js';

const TOKEN = `e2e-git-${randomBytes(16).toString('hex')}`;
const TOKEN_VAR = 'JETPACK_E2E_GIT_TOKEN';
const USERNAME = 'x-access-token';
const REFUSAL = 'E2E: main is protected, open a pull request';
/** A trivial gate, so the tests measure git and the workers, not a project's checks. */
const REPO_FILES = { 'README.md': 'remote fixture\n', '.swarm.json': JSON.stringify({ checks: { ok: 'true' } }) };

const run = (command: string) => '```run\n' + command + '\n```';
const mirrorName = (url: string) => `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.git`;
const onMain = (bare: string, file: string) => gitMaybe(bare, ['show', `main:${file}`]);
const isAncestor = async (bare: string, sha: string, ref: string) =>
  (await gitMaybe(bare, ['merge-base', '--is-ancestor', sha, ref])) !== null;
const subjects = async (bare: string, ref: string) =>
  ((await gitMaybe(bare, ['log', '--reverse', '--format=%s', ref])) ?? '').split('\n').filter(Boolean);

/**
 * A pre-receive hook holding each push to main until a second one has arrived (at most 60 s), so
 * two landings reach the server at the same moment; it logs each push's old and new sha.
 */
async function holdPushesUntilTwo(bare: string): Promise<string> {
  const log = path.join(bare, 'main-pushes.log');
  const hook = path.join(bare, 'hooks', 'pre-receive');
  await writeFile(
    hook,
    [
      '#!/bin/sh',
      'while read old new ref; do',
      '  [ "$ref" = refs/heads/main ] || continue',
      `  echo "$old $new" >> '${log}'`,
      `  touch '${bare}/arrived.'$$`,
      '  i=0',
      `  while [ "$(ls '${bare}' | grep -c '^arrived\\.')" -lt 2 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done`,
      'done',
      'exit 0',
      '',
    ].join('\n'),
  );
  await chmod(hook, 0o755);
  return log;
}

describe('workers on two machines sharing only Temporal, sqld and a git remote', () => {
  let dir: string;
  let sqld: SqldServer;
  let server: GitServer;
  let connection: Connection;
  let temporal: Client;
  let store: Store;
  let swarm: SwarmClient;
  let direct: SwarmClient;
  let desk: Machine;
  let machineA: Machine;
  let machineB: Machine;
  let machineC: Machine;
  let prefix: string;
  const landed: Array<{ id: string; bare: string }> = [];
  /** What the CLI printed on the desk (stdout and stderr of every command). */
  const cliOutput: string[] = [];

  beforeAll(async () => {
    dir = tempDir('two-machines');
    // Its own sqld: the suite's shared one belongs to test/db/store.test.ts, which empties it.
    [sqld, server] = await Promise.all([
      startSqld(dir),
      startGitServer({ root: path.join(dir, 'git-server'), auth: { username: USERNAME, password: TOKEN } }),
    ]);
    prefix = `test-remote-${path.basename(dir).replace(/[^a-z0-9]/gi, '')}`;
    const configFile = path.join(dir, 'swarm.config.json');
    // One activity at a time per worker: two landings at once must come from two workers.
    await writeFile(configFile, JSON.stringify({ models: { local: { adapter: 'local', concurrency: 1 } } }));
    const shared = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_UI_URL: 'http://localhost:8233',
      SWARM_TASK_QUEUE_PREFIX: prefix,
      SWARM_CONFIG: configFile,
      TURSO_DATABASE_URL: sqld.url,
      SWARM_DB_MODE: 'remote',
      SWARM_EMBEDDING_DIMENSIONS: '64',
      SWARM_GIT_TOKEN_ENV: TOKEN_VAR,
      [TOKEN_VAR]: TOKEN,
    };
    desk = new Machine('desk', dir, shared);
    machineA = new Machine('machine-a', dir, shared);
    machineB = new Machine('machine-b', dir, shared);
    machineC = new Machine('machine-c', dir, shared);
    const config = loadConfig(desk.env, desk.home);
    store = await openSwarmStore(config, desk.env);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    temporal = new Client({ connection, namespace: config.temporal.namespace });
    // The test process submits tasks too (the programmatic client), with the desk's credentials.
    swarm = createSwarmClient({ config, store, temporal, env: desk.env });
    const directConfig = loadConfig({ ...desk.env, SWARM_LANDING: 'direct' }, desk.home);
    direct = createSwarmClient({ config: directConfig, store, temporal, env: desk.env });
    await machineA.startWorker();
  });

  afterAll(async () => {
    await Promise.all([machineA, machineB, machineC].map((m) => m?.stop()));
    store?.close();
    await connection?.close();
    await server?.close();
    sqld?.process.kill('SIGKILL');
    // JETPACK_TEST_KEEP_LOGS=1 keeps the machines' directories (worker logs, mirrors, worktrees).
    if (process.env.JETPACK_TEST_KEEP_LOGS) console.log(`two machines' files kept in ${dir}`);
    else if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("lands a task submitted by URL through the CLI on the remote's base branch", async () => {
    const bare = await createBareRepo(server.root, 'app', REPO_FILES);
    const url = server.url('app');
    const description = [
      writeBlock('src/app.js', 'export const app = 1;'),
      // The agent's environment and git configuration, as its commands see them, committed for the leak checks.
      run(
        'env | sort > agent-env.txt; git config --list --show-origin >> agent-env.txt 2>&1; ' +
          'if [ -n "$GIT_ASKPASS" ]; then "$GIT_ASKPASS" Password >> agent-env.txt 2>&1; fi; true',
      ),
    ].join('\n');
    const { stdout, stderr } = await desk.cli([
      'task',
      'create',
      '--repo',
      url,
      '--title',
      'Add app by URL',
      '--description',
      description,
      '--json',
    ]);
    cliOutput.push(stdout, stderr);
    const { id } = JSON.parse(stdout) as { id: string };
    await temporal.workflow.getHandle(`task-${id}`).result();

    const task = await store.tasks.get(id);
    expect(task).toMatchObject({ repo: url, baseBranch: 'main' });
    const result = await store.results.get(id);
    expect(result).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await onMain(bare, 'src/app.js')).toBe('export const app = 1;');
    expect(await isAncestor(bare, result!.mergeCommit!, 'main')).toBe(true);
    expect(await subjects(bare, 'main')).toContainEqual(expect.stringMatching(`^swarm: merge task ${id}:`));
    // The agent's commits reached the remote's task branch too.
    expect(await isAncestor(bare, `refs/heads/swarm/${id}`, 'main')).toBe(true);
    // The worker fetched through its own mirror, whose remote is the URL.
    const mirror = path.join(machineA.swarmHome, 'mirrors', mirrorName(url));
    expect(await git(mirror, ['config', 'remote.origin.url'])).toBe(url);
    expect(server.requests.some((r) => r.user === USERNAME && r.path.endsWith('/git-receive-pack'))).toBe(true);
    landed.push({ id, bare });
  });

  it('resumes a task whose worker was SIGKILLed on a machine with an empty SWARM_HOME, from the pushed checkpoint, repeating no turn', async () => {
    const bare = await createBareRepo(server.root, 'crash', REPO_FILES);
    const url = server.url('crash');
    // Turn 2 hangs on machine A only (its worktree path names the machine); elsewhere it passes at once.
    const description = [
      'Append three steps.',
      run('echo step 1 >> steps.txt'),
      run('echo step 2 >> steps.txt; case "$PWD" in */machine-a/*) sleep 120;; esac'),
      run('echo step 3 >> steps.txt'),
    ].join('\n\n');
    const created = await swarm.createTask({ title: 'Survive a lost machine', description, repo: url });
    const turn1 = `swarm(${created.id}): attempt 1, turn 1`;
    const worktreeSteps = path.join(machineA.worktreesDir, created.id, 'steps.txt');
    await expect
      .poll(
        async () =>
          (await subjects(bare, `refs/heads/swarm/${created.id}`)).includes(turn1) &&
          (await store.agentTurns.list(created.id, 1)).some((t) => t.turn === 1) &&
          (await readFile(worktreeSteps, 'utf8').catch(() => '')).includes('step 2'),
        { timeout: 60_000, interval: 100 },
      )
      .toBe(true);
    const checkpoint = await git(bare, ['rev-parse', `refs/heads/swarm/${created.id}`]);
    await machineA.kill();

    expect(existsSync(machineB.home)).toBe(false);
    expect(existsSync(machineC.home)).toBe(false);
    await Promise.all([machineB.startWorker(), machineC.startWorker()]);
    await temporal.workflow.getHandle(created.workflowId).result();

    const result = await store.results.get(created.id);
    expect(result).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect([...machineB.agentIds(), ...machineC.agentIds()]).toContain(result!.agentId);
    // Turn 1 ran once, on machine A; turn 2 ran again (its worker died in it); nothing else repeated.
    const calls = (await store.modelCalls.listForTask(created.id)).map((c) => `${c.turn}.${c.try}`);
    expect(calls).toEqual(['1.1', '2.1', '2.2', '3.1', '4.1']);
    expect((await store.agentTurns.list(created.id, 1)).map((t) => t.turn)).toEqual([0, 1, 2, 3, 4]);
    // The successor built on the commit machine A pushed, and landed each step once.
    expect(await isAncestor(bare, checkpoint, `refs/heads/swarm/${created.id}`)).toBe(true);
    expect(await subjects(bare, `main..refs/heads/swarm/${created.id}`)).toEqual([]);
    expect(await subjects(bare, `${checkpoint}..refs/heads/swarm/${created.id}`)).toEqual(
      [2, 3].map((turn) => `swarm(${created.id}): attempt 1, turn ${turn}`),
    );
    expect(await onMain(bare, 'steps.txt')).toBe('step 1\nstep 2\nstep 3');
    landed.push({ id: created.id, bare });
  });

  it('lands two tasks pushed to the same base at the same moment from two workers, losing no commit', async () => {
    const bare = await createBareRepo(server.root, 'race', REPO_FILES);
    const pushes = await holdPushesUntilTwo(bare);
    const url = server.url('race');
    const before = await git(bare, ['rev-parse', 'main']);
    const tasks = await Promise.all(
      ['x', 'y'].map((name) =>
        direct.createTask({
          title: `Add ${name}`,
          description: writeBlock(`src/${name}.js`, `export const ${name} = '${name}';`),
          repo: url,
        }),
      ),
    );
    await Promise.all(tasks.map((t) => temporal.workflow.getHandle(t.workflowId).result()));

    // Both pushes left from the same base: they met at the server, and one was turned away.
    const pushLines = (await readFile(pushes, 'utf8')).trim().split('\n');
    expect(pushLines.filter((line) => line.startsWith(`${before} `)).length).toBe(2);
    const results = await Promise.all(tasks.map((t) => store.results.get(t.id)));
    for (const result of results) {
      expect(result).toMatchObject({ status: 'succeeded' });
      expect(await isAncestor(bare, result!.mergeCommit!, 'main')).toBe(true);
    }
    // One activity at a time per worker: the held push and the one that met it were landed by two workers.
    const firstLandings = await Promise.all(
      tasks.map(async (t) => (await activityWorkers(temporal, t.workflowId, 'landChanges'))[0]),
    );
    expect(new Set(firstLandings)).toEqual(new Set([...machineB.agentIds(), ...machineC.agentIds()]));
    expect(await onMain(bare, 'src/x.js')).toBe("export const x = 'x';");
    expect(await onMain(bare, 'src/y.js')).toBe("export const y = 'y';");
    for (const t of tasks) landed.push({ id: t.id, bare });
  });

  it('fails a task whose push the server refuses, with the server’s reason, without retrying it forever', async () => {
    const bare = await createBareRepo(server.root, 'protected', REPO_FILES);
    await refusePushesTo(bare, 'refs/heads/main', REFUSAL);
    const before = await git(bare, ['rev-parse', 'main']);
    const started = Date.now();
    const created = await swarm.createTask({
      title: 'Push to a protected branch',
      description: writeBlock('src/p.js', 'export const p = 1;'),
      repo: server.url('protected'),
    });
    const failure = await temporal.workflow
      .getHandle(created.workflowId)
      .result()
      .then(
        () => 'succeeded',
        (err: Error) => (err.cause as Error | undefined)?.message ?? err.message,
      );
    expect(failure).toContain(REFUSAL);
    const elapsed = Date.now() - started;

    const result = await store.results.get(created.id);
    expect(result?.status).toBe('failed');
    expect(result?.failureReason).toContain(REFUSAL);
    const shown = await desk.cli(['task', 'show', created.id]);
    cliOutput.push(shown.stdout, shown.stderr);
    expect(shown.stdout).toContain(REFUSAL);
    expect(await git(bare, ['rev-parse', 'main'])).toBe(before);
    // Refused, not retried: a few pushes (the task branch, then main once or twice), within a minute.
    const pushesToProtected = server.requests.filter(
      (r) => r.method === 'POST' && r.path === '/protected.git/git-receive-pack',
    );
    expect(pushesToProtected.length).toBeLessThanOrEqual(5);
    expect(elapsed).toBeLessThan(60_000);
  });

  it('keeps the git token out of workflow histories, the database, logs, every machine’s files and the agent’s environment', async () => {
    expect(landed.length).toBeGreaterThanOrEqual(4);
    // The workers did hold the token (in their own environment, where the operator put it).
    for (const machine of [machineB, machineC])
      expect(readFileSync(`/proc/${machine.pid}/environ`, 'utf8')).toContain(`${TOKEN_VAR}=${TOKEN}`);
    // The agent's environment, as its command saw it, is on the remote's main: no token, no way to it.
    const agentEnv = (await onMain(landed[0]!.bare, 'agent-env.txt'))!;
    expect(agentEnv).toMatch(/^PATH=/m);
    expect(agentEnv).not.toContain(TOKEN);
    expect(agentEnv).not.toContain(TOKEN_VAR);
    expect(agentEnv).not.toMatch(/GIT_ASKPASS|SWARM_GIT/);

    const histories = await workflowHistories(temporal, `${prefix}.local`);
    const ids = [...histories.keys()].join(' ');
    for (const { id } of landed) expect(ids).toContain(`task-${id}/`);
    expect([...histories.values()].some((h) => h.includes(server.url('app')))).toBe(true);
    expect([...histories.entries()].filter(([, h]) => h.includes(TOKEN)).map(([id]) => id)).toEqual([]);

    expect(await columnsContaining(store.db, server.url('app'))).toContain('tasks.repo');
    expect(await columnsContaining(store.db, TOKEN)).toEqual([]);

    for (const machine of [desk, machineA, machineB, machineC]) {
      expect(await countFiles(machine.home)).toBeGreaterThan(0);
      expect({ machine: machine.name, files: await filesContaining(machine.home, TOKEN) }).toEqual({
        machine: machine.name,
        files: [],
      });
    }
    for (const machine of [machineA, machineB, machineC]) expect(machine.logs()).toMatch(/ serving /);
    expect(cliOutput.join('\n')).toContain(REFUSAL);
    expect(cliOutput.join('\n')).not.toContain(TOKEN);
    // Nothing committed anywhere on the server holds it either.
    for (const name of ['app', 'crash', 'race', 'protected']) {
      const everything = await git(path.join(server.root, `${name}.git`), ['log', '--all', '-p', '--format=%H %s%n%b']);
      expect(everything).not.toContain(TOKEN);
    }
  });
});
