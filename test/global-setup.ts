import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { temporalCliPath } from '../client/temporal-cli.js';
import { freePort, startDevServer } from '../client/temporal-dev-server.js';
import { WORKFLOWS_PATH } from '../workers/task-worker.js';
import { startSqld } from './helpers/sqld.js';
import type {} from './provided-context.js';

function stop(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** One real Temporal dev server and one real sqld for the whole run, stopped at the end whatever happened. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'jetpack-test-servers-'));
  let temporal: ChildProcess | undefined;
  let sqld: ChildProcess | undefined;
  let namespacedSqld: ChildProcess | undefined;
  const teardown = async () => {
    await Promise.all([stop(temporal), stop(sqld), stop(namespacedSqld)]);
    // JETPACK_TEST_KEEP_LOGS=1 keeps the servers' directory (their logs) for a post-mortem.
    if (process.env.JETPACK_TEST_KEEP_LOGS) console.log(`test servers' logs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const namespacedDir = path.join(dir, 'namespaced');
    mkdirSync(namespacedDir);
    const [temporalChild, sqldServer, namespacedServer, bundle] = await Promise.all([
      startDevServer({
        cliPath: temporalCliPath(process.env.TEMPORAL_CLI_PATH),
        port,
        dbFile: path.join(dir, 'temporal.db'),
        logFile: path.join(dir, 'temporal.log'),
        detached: false,
      }),
      startSqld(dir),
      // The data-branch tests fork namespaces; the default namespace is what a plain URL reaches.
      startSqld(namespacedDir, { namespaces: true }),
      bundleWorkflowCode({
        workflowsPath: WORKFLOWS_PATH,
        logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never,
      }),
    ]);
    temporal = temporalChild;
    sqld = sqldServer.process;
    namespacedSqld = namespacedServer.process;
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);
    project.provide('temporalAddress', `127.0.0.1:${port}`);
    project.provide('sqldUrl', sqldServer.url);
    project.provide('namespacedSqld', { url: namespacedServer.url, adminUrl: namespacedServer.adminUrl! });
    project.provide('workflowBundlePath', bundlePath);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
