import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../config/project-root.js';
import { findProcesses, isRunning } from '../helpers/processes.js';
import { servicePid, servicePids } from './cluster-state.js';
import './provided-cluster.js';

const run = promisify(execFile);
const CLUSTER_SH = path.join(PROJECT_ROOT, 'scripts/cluster.sh');

/** The cluster's Temporal server is up (its pid file names a live process). */
function temporalRunning(dir: string): boolean {
  const pid = servicePid(dir, 'temporal');
  return pid !== null && isRunning(pid);
}

/**
 * Brings the cluster up in SWARM_CLUSTER_DIR (default .swarm/cluster-test), or reuses the one
 * running there, and brings down at the end only what it started. The state stays (`down` without
 * --purge): the next run skips initdb and the schema set-up.
 */
/** The compose file's check needs Debian's docker-compose (no engine): installed here when missing, as root. */
async function ensureComposeCli(): Promise<void> {
  const found = await run('sh', ['-c', 'command -v docker-compose']).then(
    () => true,
    () => false,
  );
  if (found || process.getuid?.() !== 0) return;
  await run(
    'sh',
    ['-c', 'apt-get install -y docker-compose || (apt-get update && apt-get install -y docker-compose)'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

export default async function setup(project: TestProject) {
  const dir = path.resolve(process.env.SWARM_CLUSTER_DIR ?? path.join(PROJECT_ROOT, '.swarm', 'cluster-test'));
  const env = { ...process.env, SWARM_CLUSTER_DIR: dir, CLUSTER_MODELS: 'local' };
  const reused = temporalRunning(dir);
  const started = Date.now();
  await ensureComposeCli();
  try {
    await run('bash', [CLUSTER_SH, 'up'], { env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    await run('bash', [CLUSTER_SH, 'down'], { env }).catch(() => {});
    throw new Error(`scripts/cluster.sh up failed:\n${stderr ?? (err as Error).message}`, { cause: err });
  }
  console.log(`cluster ${reused ? 'reused' : 'up'} in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`);
  project.provide('clusterDir', dir);
  return async () => {
    if (reused) return;
    const services = servicePids(dir);
    await run('bash', [CLUSTER_SH, 'down'], { env });
    // `down` leaves no process behind: none it started, nothing with the state directory in its command line.
    const left = [...services.filter(isRunning), ...findProcesses(dir)];
    if (left.length > 0) throw new Error(`scripts/cluster.sh down left processes running: ${left.join(', ')}`);
  };
}
