import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { openSwarmStore } from '../../workers/swarm-store.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { tempDir, testProcessEnv } from '../helpers/test-env.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));

describe('Ctrl-C on "swarm start"', () => {
  const home = tempDir('start-ctrl-c');
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('lets its workers drain and go offline when the terminal sends SIGINT to the process group, even twice', async () => {
    const env = { ...process.env, ...testProcessEnv(home) };
    // Its own process group, as a shell gives a foreground job: Ctrl-C is SIGINT to every process in it.
    const child = spawn(process.execPath, [SWARM_BIN, 'start', '--models', 'local'], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const config = loadConfig(env, home);
    try {
      await expect.poll(() => output, { timeout: 60_000, interval: 200 }).toMatch(/worker \S+ serving/);
      const store = await openSwarmStore(config, env);
      try {
        expect((await store.agents.list({ includeOffline: true })).map((a) => a.status)).toEqual(['online']);
        // A task whose agent runs a command for a few seconds: the worker has an activity to drain.
        const repo = await createFixtureRepo(tempDir('start-ctrl-c-repo'), { 'README.md': '# r\n' });
        const description = '```run\nsleep 4\n```\n';
        const create = spawn(
          process.execPath,
          [SWARM_BIN, 'task', 'create', '--title', 't', '--description', description, '--repo', repo],
          { env, stdio: 'ignore' },
        );
        await new Promise((r) => create.once('exit', r));
        await expect
          .poll(async () => (await store.agents.list({ includeOffline: true }))[0]?.currentTaskId ?? null, {
            timeout: 30_000,
            interval: 200,
          })
          .not.toBeNull();
        process.kill(-child.pid!, 'SIGINT');
        // An impatient second Ctrl-C while the workers drain.
        await new Promise((r) => setTimeout(r, 300));
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
        expect(await exited).toBe(0);
        const agents = await store.agents.list({ includeOffline: true });
        expect(agents.map((a) => a.status)).toEqual(['offline']);
        expect(output).toMatch(/worker \S+ stopped/);
        expect(output).toContain('worker local exited (code 0)');
      } finally {
        store.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 90_000);
});
