import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClient, type Client as LibsqlClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { temporalCliPath } from '../../client/temporal-cli.js';
import { PROJECT_ROOT } from '../../config/project-root.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../client/temporal-dev-server.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, MUL, MUL_TEST, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { isRunning } from '../helpers/processes.js';
import { clusterPorts, servicePid } from './cluster-state.js';
import './provided-cluster.js';

const run = promisify(execFile);
const SWARM_BIN = path.join(PROJECT_ROOT, 'bin/swarm.js');
const CLUSTER_SH = path.join(PROJECT_ROOT, 'scripts/cluster.sh');

const dir = inject('clusterDir');
const ports = clusterPorts(dir);
const profile = { TEMPORAL_CONFIG_FILE: path.join(dir, 'temporal.toml'), TEMPORAL_PROFILE: 'cluster' };
const databaseUrl = `http://127.0.0.1:${ports.SQLD_PORT}`;

/** This process's environment without any Temporal setting, plus the given ones. */
function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')));
  return { ...env, ...extra };
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCommand(file: string, args: string[], env: NodeJS.ProcessEnv, timeout = 120_000): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(file, args, { env, timeout, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the production topology of scripts/cluster.sh', () => {
  let work: string;
  let cliEnv: NodeJS.ProcessEnv;
  let db: LibsqlClient;
  const swarm = (args: string[], env = cliEnv) => runCommand(process.execPath, [SWARM_BIN, ...args], env);
  const cluster = async (...args: string[]) => {
    const ran = await runCommand(
      'bash',
      [CLUSTER_SH, ...args],
      { ...process.env, SWARM_CLUSTER_DIR: dir, CLUSTER_MODELS: 'local' },
      300_000,
    );
    if (ran.code !== 0) throw new Error(`cluster.sh ${args.join(' ')} failed:\n${ran.stderr}`);
    return ran;
  };
  const temporal = (args: string[]) => runCommand(temporalCliPath(undefined), args, envWith(profile));
  const workerPid = () => servicePid(dir, 'worker-local')!;
  /** Marker files the task's slow command wrote in the worker's worktrees. */
  const markers = async () =>
    (await runCommand('find', [path.join(dir, 'workers', 'local'), '-name', 'turn.marker'], process.env)).stdout
      .split('\n')
      .filter(Boolean);

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'jetpack-cluster-'));
    // The CLI reaches Temporal through the profile only: no TEMPORAL_ADDRESS or TLS variable.
    cliEnv = envWith({ ...profile, TURSO_DATABASE_URL: databaseUrl, SWARM_HOME: path.join(work, 'cli-home') });
    db = createClient({ url: databaseUrl });
  });
  afterAll(async () => {
    db?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  let taskId = '';
  let workflowId = '';

  it('runs a task to its one landing through a worker SIGKILL and a Temporal server restart', async () => {
    const repo = await createFixtureRepo(path.join(work, 'repo'), nodeProjectFiles({ '.gitignore': '*.marker\n' }));
    // The third tool call is slow: the worker dies in it, and its successor is in it while the
    // Temporal server restarts. It runs in the sandbox, in the worktree (marker ignored by git).
    const description = [
      writeBlock('src/mul.js', MUL),
      writeBlock('test/mul.test.js', MUL_TEST),
      '```run\ntouch turn.marker && sleep 20\n```',
    ].join('\n');
    const created = await swarm([
      'task',
      'create',
      '--repo',
      repo,
      '--title',
      'Cluster mul',
      '--description',
      description,
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    ({ id: taskId, workflowId } = JSON.parse(created.stdout) as { id: string; workflowId: string });

    // The first worker reaches the slow call: kill it and all it runs, as a lost machine.
    await expect.poll(markers, { timeout: 120_000, interval: 500 }).not.toEqual([]);
    const first = workerPid();
    process.kill(-first, 'SIGKILL');
    await expect.poll(() => isRunning(first), { timeout: 10_000 }).toBe(false);
    for (const marker of await markers()) rmSync(marker);

    // A replacement worker takes the task over (after the dead one's heartbeat times out).
    await cluster('up');
    const second = workerPid();
    expect(second).not.toBe(first);
    await expect.poll(markers, { timeout: 120_000, interval: 500 }).not.toEqual([]);

    // The Temporal server stops and starts again while the replacement is in the slow call.
    await cluster('stop', 'temporal');
    await new Promise((r) => setTimeout(r, 3_000));
    await cluster('up');

    const show = async () => {
      const shown = await swarm(['task', 'show', taskId, '--json']);
      return shown.code === 0 ? (JSON.parse(shown.stdout) as { result: { status: string } | null }).result : null;
    };
    await expect.poll(show, { timeout: 300_000, interval: 2_000 }).not.toBeNull();
    expect((await show())?.status).toBe('succeeded');

    // Exactly once: one result, one attempt, the change on main once, no earlier tool call repeated.
    const count = async (sql: string) => Number((await db.execute({ sql, args: [taskId] })).rows[0]![0]);
    expect(await count('SELECT COUNT(*) FROM results WHERE task_id = ?')).toBe(1);
    expect(await count('SELECT COUNT(*) FROM attempts WHERE task_id = ?')).toBe(1);
    // The replacement finished it.
    expect(
      await count('SELECT agents.pid FROM results JOIN agents ON agents.id = results.agent_id WHERE task_id = ?'),
    ).toBe(second);
    const turns = await db.execute({
      sql: 'SELECT turn, COUNT(*) AS n FROM model_calls WHERE task_id = ? GROUP BY turn ORDER BY turn',
      args: [taskId],
    });
    const callsPerTurn = turns.rows.map((r) => [Number(r.turn), Number(r.n)]);
    // Turns 1 and 2 (the writes) were checkpointed before the kill and ran once.
    expect(callsPerTurn.slice(0, 2)).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(await git(repo, ['show', 'main:src/mul.js'])).toContain('a * b');
    const landed = await git(repo, ['log', '--format=%H', 'main', '--', 'src/mul.js']);
    expect(landed.trim().split('\n')).toHaveLength(1);
    expect(isRunning(second)).toBe(true);
  });

  it('filters tasks by search attribute on SQL visibility, from the CLI through the profile', async () => {
    expect(workflowId).not.toBe('');
    const list = async (query: string) => {
      const ran = await temporal(['workflow', 'list', '--query', query, '-o', 'json']);
      if (ran.code !== 0) throw new Error(ran.stderr);
      return (JSON.parse(ran.stdout || '[]') as Array<{ execution: { workflowId: string } }>).map(
        (w) => w.execution.workflowId,
      );
    };
    expect(
      await list(`JetpackStatus = "succeeded" AND JetpackModel = "local" AND WorkflowId = "${workflowId}"`),
    ).toEqual([workflowId]);
    expect(await list(`JetpackStatus = "failed" AND WorkflowId = "${workflowId}"`)).toEqual([]);
    expect(await list(`JetpackAttempt = 1 AND WorkflowId = "${workflowId}"`)).toEqual([workflowId]);

    const listed = await swarm(['task', 'list', '--status', 'succeeded', '--json']);
    expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((t) => t.id)).toContain(taskId);
  });

  it('shows the task in the Temporal UI, which reaches the mTLS frontend with the client certificate', async () => {
    expect(workflowId).not.toBe('');
    const query = encodeURIComponent(`WorkflowId = "${workflowId}" AND JetpackStatus = "succeeded"`);
    const response = await fetch(
      `http://127.0.0.1:${ports.UI_PORT}/api/v1/namespaces/default/workflows?query=${query}`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { executions?: Array<{ execution: { workflowId: string } }> };
    expect((body.executions ?? []).map((e) => e.execution.workflowId)).toEqual([workflowId]);
  });

  it('refuses a profile that trusts another CA, with a clear message', async () => {
    const otherCa = path.join(work, 'other-ca');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${otherCa}.key`,
      '-out',
      `${otherCa}.pem`,
      '-days',
      '1',
      '-subj',
      '/CN=another-ca',
    ]);
    const badProfile = path.join(work, 'wrong-ca.toml');
    writeFileSync(
      badProfile,
      readFileSync(profile.TEMPORAL_CONFIG_FILE, 'utf8').replace(path.join(dir, 'tls', 'ca.pem'), `${otherCa}.pem`),
    );
    const env = envWith({
      TEMPORAL_CONFIG_FILE: badProfile,
      TEMPORAL_PROFILE: 'cluster',
      TURSO_DATABASE_URL: databaseUrl,
      SWARM_HOME: path.join(work, 'bad-home'),
    });

    // A worker does not start...
    const worker = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => worker.kill('SIGKILL'), 90_000);
      worker.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toMatch(/certificate is not trusted/);
    expect(output).toContain(`127.0.0.1:${ports.TEMPORAL_PORT}`);

    // ...and neither does the CLI reach the server.
    const cancelled = await swarm(['task', 'cancel', taskId], env);
    expect(cancelled.code).not.toBe(0);
    expect(cancelled.stderr).toMatch(/certificate is not trusted/);
    expect(cancelled.stderr).toContain(`127.0.0.1:${ports.TEMPORAL_PORT}`);
  });

  it('requires a client certificate: a profile with the right CA but none is refused', async () => {
    const noClientCert = path.join(work, 'no-client-cert.toml');
    writeFileSync(
      noClientCert,
      readFileSync(profile.TEMPORAL_CONFIG_FILE, 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith('client_'))
        .join('\n'),
    );
    const env = envWith({
      TEMPORAL_CONFIG_FILE: noClientCert,
      TEMPORAL_PROFILE: 'cluster',
      TURSO_DATABASE_URL: databaseUrl,
      SWARM_HOME: path.join(work, 'no-cert-home'),
    });
    const cancelled = await swarm(['task', 'cancel', taskId], env);
    expect(cancelled.code).not.toBe(0);
    expect(cancelled.stderr).toMatch(/refused the client certificate/);
  });

  it('keeps docker-compose.yml valid and in step with the project (search attributes, dynamic config)', async () => {
    const config = await runCommand(
      'docker-compose',
      ['-f', path.join(PROJECT_ROOT, 'docker-compose.yml'), 'config', '-q'],
      process.env,
    );
    expect(config.stderr).toBe('');
    expect(config.code).toBe(0);
    const compose = readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
    const TYPES: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', INT: 'Int' };
    for (const key of ALL_SEARCH_ATTRIBUTES) expect(compose).toContain(`${key.name}=${TYPES[key.type]}`);
    const dynamic = readFileSync(path.join(PROJECT_ROOT, 'deploy/temporal-dynamic-config.yaml'), 'utf8');
    // The dev server's values are JSON; the YAML file's scalars may be single-quoted (the formatter's choice).
    for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) {
      const prefix = `${key}:\n  - value: `;
      const at = dynamic.indexOf(prefix);
      expect(at, key).toBeGreaterThanOrEqual(0);
      const scalar = dynamic
        .slice(at + prefix.length)
        .split('\n')[0]!
        .replace(/^'(.*)'$/, '"$1"');
      expect(JSON.parse(scalar), key).toEqual(JSON.parse(value));
    }
  });
});
