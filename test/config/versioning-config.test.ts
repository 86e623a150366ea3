import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'versioning-config-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const load = (env: Record<string, string> = {}) => loadConfig(env, cwd).temporal.versioning;
const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('temporal.versioning configuration', () => {
  it('is off by default, the build id derived and promotion manual', () => {
    expect(load()).toEqual({ enabled: false, buildId: null, promoteOnStart: false });
  });

  it('reads SWARM_WORKER_VERSIONING, SWARM_BUILD_ID and SWARM_PROMOTE_ON_START, over the file', async () => {
    await writeFile(
      path.join(cwd, 'swarm.config.json'),
      JSON.stringify({ temporal: { versioning: { enabled: false, buildId: 'from-file', promoteOnStart: true } } }),
    );
    expect(load()).toEqual({ enabled: false, buildId: 'from-file', promoteOnStart: true });
    expect(
      load({ SWARM_WORKER_VERSIONING: '1', SWARM_BUILD_ID: 'v2.0.1+abc', SWARM_PROMOTE_ON_START: 'false' }),
    ).toEqual({ enabled: true, buildId: 'v2.0.1+abc', promoteOnStart: false });
  });

  it('refuses bad values, naming the variable', () => {
    expect(refusal({ SWARM_WORKER_VERSIONING: 'maybe' })).toContain('SWARM_WORKER_VERSIONING must be true or false');
    expect(refusal({ SWARM_PROMOTE_ON_START: '2' })).toContain('SWARM_PROMOTE_ON_START must be true or false');
    expect(refusal({ SWARM_BUILD_ID: '__reserved' })).toContain('SWARM_BUILD_ID must be');
    expect(refusal({ SWARM_BUILD_ID: 'has space' })).toContain('SWARM_BUILD_ID must be');
  });

  it('refuses a task queue prefix Temporal cannot name a deployment with, only when versioning is on', () => {
    expect(load({ SWARM_TASK_QUEUE_PREFIX: 'team.a' }).enabled).toBe(false);
    expect(refusal({ SWARM_TASK_QUEUE_PREFIX: 'team.a', SWARM_WORKER_VERSIONING: 'true' })).toContain(
      'SWARM_TASK_QUEUE_PREFIX "team.a" must not contain "." or ":" when worker versioning is on',
    );
  });
});
