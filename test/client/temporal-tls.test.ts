import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureLocalTemporal } from '../../client/local-stack.js';
import { createSwarmClient } from '../../client/swarm-client.js';
import { freePort } from '../../client/temporal-dev-server.js';
import { connectTemporal } from '../../client/temporal-connection.js';
import { loadConfig } from '../../config/config.js';
import { temporalConnectionOptions } from '../../config/temporal-settings.js';
import type { Store } from '../../db/index.js';
import { TemporalTlsError, TemporalUnavailableError } from '../../errors/temporal-errors.js';
import { openSwarmStore } from '../../workers/swarm-store.js';
import { createTaskWorker } from '../../workers/task-worker.js';
import { createFixtureRepo, MUL, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';
import { makeTestCertificates, startTlsProxy, type TestCertificates } from '../helpers/tls-proxy.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));
const run = promisify(execFile);

/** A TOML profile file as the Temporal CLI reads it: one good mTLS profile and the broken ones. */
function profileFile(certs: TestCertificates, address: string): string {
  const tlsTable = (ca: string, client: boolean) =>
    [
      `server_ca_cert_path = ${JSON.stringify(ca)}`,
      // The certificate is for localhost and 127.0.0.1; the name keeps grpc-js from sending an IP as SNI.
      'server_name = "localhost"',
      ...(client
        ? [
            `client_cert_path = ${JSON.stringify(certs.clientCert)}`,
            `client_key_path = ${JSON.stringify(certs.clientKey)}`,
          ]
        : []),
    ].join('\n');
  const profile = (name: string, ca: string, client: boolean) =>
    `[profile.${name}]\naddress = "${address}"\nnamespace = "default"\n\n[profile.${name}.tls]\n${tlsTable(ca, client)}\n`;
  return [
    profile('mtls', certs.caCert, true),
    profile('wrong-ca', certs.otherCaCert, true),
    profile('no-client-cert', certs.caCert, false),
  ].join('\n');
}

describe('Temporal through an mTLS front, configured by an envconfig profile only', () => {
  const dir = tempDir('tls');
  const home = path.join(dir, 'home');
  let proxy: Awaited<ReturnType<typeof startTlsProxy>>;
  let env: Record<string, string>;
  let store: Store;
  let temporal: Client;
  let repo: string;

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const certs = await makeTestCertificates(dir);
    proxy = await startTlsProxy(certs, inject('temporalAddress'));
    const configFile = path.join(dir, 'temporal.toml');
    writeFileSync(configFile, profileFile(certs, proxy.address));
    // No TEMPORAL_ADDRESS and no swarm config file: the profile is all there is.
    env = {
      SWARM_HOME: home,
      SWARM_TASK_QUEUE_PREFIX: `test-tls-${path.basename(dir)}`,
      TEMPORAL_CONFIG_FILE: configFile,
      TEMPORAL_PROFILE: 'mtls',
    };
    store = await openSwarmStore(loadConfig(env, dir), env);
    repo = await createFixtureRepo(path.join(dir, 'repo'), nodeProjectFiles());
  });
  afterAll(async () => {
    await temporal?.connection.close();
    store?.close();
    await proxy?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The swarm CLI with exactly this environment (plus PATH and HOME), never the test servers' plain address. */
  const swarm = async (args: string[], extra: Record<string, string> = {}) => {
    const base = { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env, ...extra };
    try {
      const { stdout, stderr } = await run(process.execPath, [SWARM_BIN, ...args], { env: base, cwd: dir });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('runs tasks end to end: client, worker (NativeConnection) and CLI all through the mTLS profile', async () => {
    const config = loadConfig(env, dir);
    expect(config.temporal).toMatchObject({ address: proxy.address, secured: true, profile: { name: 'mtls' } });
    temporal = await connectTemporal(config);
    const client = createSwarmClient({ config, store, temporal });
    const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
    try {
      const worker = await createTaskWorker({
        config,
        modelType: 'local',
        env,
        connection,
        store,
        workflowBundle: { codePath: inject('workflowBundlePath') },
      });
      const viaCli = await worker.runUntil(async () => {
        const task = await client.createTask({
          title: 'mul through mTLS',
          description: writeBlock('src/mul.js', MUL),
          repo,
        });
        const result = await client.waitForResult(task.id);
        expect(result?.status).toBe('succeeded');
        // Read back through the same secured client.
        const described = await temporal.workflow.getHandle(task.workflowId).describe();
        expect(described.status.name).toBe('COMPLETED');
        return swarm([
          'task',
          'create',
          '--title',
          'CLI through mTLS',
          '--description',
          writeBlock('src/div.js', 'export const div = (a, b) => a / b;'),
          '--repo',
          repo,
          '--wait',
          '--json',
        ]);
      });
      expect(viaCli.stderr).toBe('');
      expect(viaCli.code).toBe(0);
      expect(JSON.parse(viaCli.stdout).result.status).toBe('succeeded');
    } finally {
      await connection.close();
    }
    expect(proxy.accepted()).toBeGreaterThanOrEqual(3);

    const status = await swarm(['status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).temporal).toMatchObject({ address: proxy.address, tls: true, apiKey: false });
    expect(status.stdout).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });

  it('refuses a server its profile CA did not sign, saying it is a TLS problem and naming the address', async () => {
    const config = loadConfig({ ...env, TEMPORAL_PROFILE: 'wrong-ca' }, dir);
    const err = await connectTemporal(config, { callTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporalTlsError);
    expect((err as Error).message).toContain(`TLS/certificate problem connecting to Temporal at ${proxy.address}`);
    expect((err as Error).message).toMatch(/server's certificate is not trusted \(wrong or missing server CA/);

    // A worker process says the same at start.
    const worker = await swarm(['worker', '--model', 'local'], { TEMPORAL_PROFILE: 'wrong-ca', SWARM_SANDBOX: 'none' });
    expect(worker.code).not.toBe(0);
    expect(worker.stderr).toContain(`TLS/certificate problem connecting to Temporal at ${proxy.address}`);
    expect(worker.stderr).toMatch(/server's certificate is not trusted/);
  });

  it('is refused without a client certificate, saying the server refused it', async () => {
    const before = proxy.refused.length;
    const config = loadConfig({ ...env, TEMPORAL_PROFILE: 'no-client-cert' }, dir);
    const err = await connectTemporal(config, { callTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporalTlsError);
    expect((err as Error).message).toContain(proxy.address);
    expect((err as Error).message).toMatch(/server refused the client certificate/);
    expect(proxy.refused.slice(before).join('\n')).toMatch(/peer did not return a certificate/);
  });

  it('never starts a dev server in place of a secured address that does not answer', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const config = loadConfig({ ...env, TEMPORAL_ADDRESS: closed }, dir);
    expect(config.temporal.secured).toBe(true);
    const err = await ensureLocalTemporal(config, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporalUnavailableError);
    expect((err as Error).message).toMatch(
      new RegExp(`Temporal at ${closed} \\(TLS.*does not answer, and it is secured`),
    );
    expect(existsSync(path.join(home, 'temporal.pid'))).toBe(false);
  });
});
