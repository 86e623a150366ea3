import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SwarmConfig } from '../config/config.js';
import { git } from '../workspace/git.js';
import { createExampleRepo } from './example/create-example-repo.js';
import { EXAMPLE_TASK } from './example/repo-files.js';
import { formatTask } from './format.js';
import { spawnWorker, stopWorker } from './worker-processes.js';
import type { SwarmClient } from './swarm-client.js';

/** Rejects with the end of the worker's log when it stops on its own (e.g. it refused to start without its sandbox). */
function workerExit(worker: ChildProcess, logFile: string): Promise<never> {
  return new Promise((_, reject) => {
    worker.once('exit', (code, signal) => {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
      reject(new Error(`the worker stopped (${signal ?? `exit code ${code}`})${log ? `:\n${log}` : ''}`));
    });
  });
}

/**
 * The quick start (once the local stack is up): runs the example task on a fresh example repo
 * with a `local` worker, prints the outcome and where to see it in the Web UI.
 */
export async function runDemo(
  config: SwarmConfig,
  client: SwarmClient,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (!config.models.local) throw new Error('the demo needs the "local" model type in the configuration');
  const repo = await createExampleRepo(path.join(config.home, 'example-repo'));
  log(`example repository: ${repo}`);

  const workerLog = path.join(config.home, 'logs', 'worker-local.log');
  const worker = spawnWorker('local', { logFile: workerLog, env });
  log(`worker for model type "local" started (log: ${workerLog})`);
  try {
    const task = await client.createTask({ ...EXAMPLE_TASK, repo, model: 'local', maxAttempts: 3 });
    log(`task ${task.id} started: "${task.title}" — watch it live at ${client.workflowUrl(task.id)}`);
    const result = await Promise.race([client.waitForResult(task.id), workerExit(worker, workerLog)]);
    const shown = await client.showTask(task.id);
    if (shown) log('\n' + formatTask(shown));
    log(`\ngit log of ${repo}:\n${await git(repo, ['log', '--graph', '--oneline', '--all', '-n', '12'])}`);
    log(`\nSee it in the Temporal Web UI: ${client.workflowUrl(task.id)}`);
    log(
      `All tasks: ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows?query=${encodeURIComponent('JetpackStatus!=""')}`,
    );
    log('The Temporal dev server keeps running for the Web UI; stop it with: npm run swarm -- server stop');
    if (result?.status !== 'succeeded')
      throw new Error(`the example task did not succeed: ${result?.failureReason ?? 'no result'}`);
  } finally {
    await stopWorker(worker);
  }
}
