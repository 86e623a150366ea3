import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';
import { probeBubblewrap } from '../../process/sandbox-probe.js';
import { DEFAULT_SANDBOX_LIMITS } from '../../process/sandbox.js';
import { workerSandbox } from '../../workers/worker-sandbox.js';
import { tempDir } from '../helpers/test-env.js';

const home = tempDir('worker-sandbox');
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the worker’s sandbox at start', () => {
  it('probes bubblewrap on this machine successfully', async () => {
    expect(await probeBubblewrap(DEFAULT_SANDBOX_LIMITS)).toEqual({ usable: true });
  });

  it('refuses to start without bwrap, saying how to install it and what "none" means', async () => {
    const env = { SWARM_HOME: home, PATH: path.join(home, 'no-bin') };
    const refusal = await workerSandbox(loadConfig(env, home), env).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(ConfigError);
    const message = (refusal as ConfigError).message;
    expect(message).toContain('`bwrap` program (bubblewrap) is not installed');
    expect(message).toContain('apt-get install bubblewrap');
    expect(message).toContain('SWARM_SANDBOX=none');
    expect(message).toContain('unconfined');
  });

  it('starts with sandbox none without probing, and hides SWARM_HOME, the worktrees and the worker’s HOME', async () => {
    const env = { SWARM_HOME: home, SWARM_SANDBOX: 'none', PATH: path.join(home, 'no-bin'), HOME: process.env.HOME };
    const settings = await workerSandbox(loadConfig(env, home), env);
    expect(settings.kind).toBe('none');
    expect(settings.hidden).toEqual(expect.arrayContaining([home, path.join(home, 'worktrees')]));
    if (process.env.HOME && process.env.HOME !== '/') expect(settings.hidden).toContain(process.env.HOME);
  });
});
