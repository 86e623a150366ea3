// Does a database write block the worker's event loop while the primary does not answer?
// `node bin/run-ts.js test/faults/replica-probe.ts [seconds]`: starts its own sqld, then for a remote
// client and for an embedded replica, SIGSTOPs sqld, writes, and measures the largest gap between
// 100 ms timer ticks until the write returns. SIGCONT comes from a separate process, so a blocked
// event loop cannot keep sqld stopped for ever. (A blocked loop means no activity heartbeats.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { freePort } from '../../client/temporal-dev-server.js';
import { ProcessRegistry } from './processes.js';
import { Sqld } from './servers.js';

const seconds = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), 'jetpack-replica-probe-'));
const registry = new ProcessRegistry();
const sqld = new Sqld(registry, path.join(dir, 'sqld'), await freePort());

async function probe(name: string, db: Client, pid: number): Promise<string> {
  await db.execute('CREATE TABLE IF NOT EXISTS probe (x INTEGER)');
  let maxGap = 0;
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 100);
  const resume = spawn('/bin/sh', ['-c', `sleep ${seconds}; kill -CONT ${pid}`], { stdio: 'ignore' });
  registry.track(resume);
  process.kill(pid, 'SIGSTOP');
  const started = Date.now();
  let outcome = 'returned';
  try {
    await db.execute('INSERT INTO probe VALUES (1)');
  } catch (err) {
    outcome = `failed (${(err as Error).message.split('\n')[0]})`;
  }
  const took = Date.now() - started;
  await new Promise((r) => setTimeout(r, 300));
  clearInterval(timer);
  return `${name}: write ${outcome} after ${took} ms with sqld stopped for ${seconds} s; longest gap between 100 ms timer ticks: ${maxGap} ms`;
}

try {
  await sqld.start();
  const pid = sqld.pid!;
  const remote = createClient({ url: sqld.url });
  console.log(await probe('remote ', remote, pid));
  remote.close();
  const replica = createClient({
    url: `file:${path.join(dir, 'replica.db')}`,
    syncUrl: sqld.url,
    syncInterval: 5,
    readYourWrites: true,
  });
  await replica.sync();
  console.log(await probe('replica', replica, pid));
  replica.close();
} finally {
  sqld.signal('SIGCONT');
  await registry.stopAll();
  rmSync(dir, { recursive: true, force: true });
}
