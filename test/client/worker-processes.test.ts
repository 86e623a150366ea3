import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { superviseWorkers } from '../../client/worker-processes.js';
import { tempDir, testProcessEnv } from '../helpers/test-env.js';

describe('supervising the workers of "swarm start"', () => {
  const home = tempDir('supervise');
  const env = { ...process.env, ...testProcessEnv(home) };
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('runs one worker process per model type until all have exited', async () => {
    const logDir = path.join(home, 'logs-exit');
    // Workers for unconfigured model types refuse to start, so both exit on their own.
    const exits = await superviseWorkers(['constructor', 'gpt'], { env, logDir });
    expect(exits).toEqual([
      { modelType: 'constructor', code: 2, signal: null },
      { modelType: 'gpt', code: 2, signal: null },
    ]);
    expect(readFileSync(path.join(logDir, 'worker-constructor.log'), 'utf8')).toMatch(
      /model type "constructor" is not configured/,
    );
    expect(readFileSync(path.join(logDir, 'worker-gpt.log'), 'utf8')).toMatch(/model type "gpt" is not configured/);
  });

  it('stops the workers still running when told to', async () => {
    const signalListeners = () => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
    const listenersBefore = signalListeners();
    const stop = new AbortController();
    // A "local" worker would serve its queue until stopped.
    const supervised = superviseWorkers(['local'], { env, logDir: path.join(home, 'logs-stop'), stop: stop.signal });
    stop.abort();
    const [exit] = await supervised;
    expect(exit!.modelType).toBe('local');
    expect(exit!.code !== null || exit!.signal !== null).toBe(true);
    expect(signalListeners()).toBe(listenersBefore);
  });
});
