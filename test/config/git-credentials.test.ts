import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';
import { gitToken } from '../../config/git-token.js';
import { processRedactor } from '../../workers/swarm-store.js';

describe('git credentials for remote repositories (git.tokenEnv / SWARM_GIT_TOKEN_ENV)', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'git-credentials-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('defaults: mirrors under SWARM_HOME, no token, user x-access-token', () => {
    const config = loadConfig({ SWARM_HOME: path.join(cwd, 'home') }, cwd);
    expect(config.git).toEqual({
      mirrorsDir: path.join(cwd, 'home', 'mirrors'),
      tokenEnv: null,
      username: 'x-access-token',
    });
    expect(gitToken(config, {})).toBeNull();
  });

  it('reads the token from the variable named, and registers it with the redactor even when its name looks harmless', () => {
    const env = { SWARM_GIT_TOKEN_ENV: 'GH_PAT', SWARM_GIT_USERNAME: 'bot', GH_PAT: 'ghp_abcdefghijklmnop123456' };
    const config = loadConfig(env, cwd);
    expect(config.git).toMatchObject({ tokenEnv: 'GH_PAT', username: 'bot' });
    expect(gitToken(config, env)).toEqual({ username: 'bot', value: 'ghp_abcdefghijklmnop123456' });
    // The config holds the variable's name, never its value.
    expect(JSON.stringify(config)).not.toContain('ghp_abcdefghijklmnop123456');
    expect(processRedactor(config, env).redact('push failed with ghp_abcdefghijklmnop123456')).not.toContain(
      'ghp_abcdefghijklmnop123456',
    );
  });

  it('refuses a bad variable name, a bad user name, and a named variable that is not set', () => {
    expect(() => loadConfig({ SWARM_GIT_TOKEN_ENV: 'not a name' }, cwd)).toThrow(/SWARM_GIT_TOKEN_ENV/);
    expect(() => loadConfig({ SWARM_GIT_USERNAME: 'a:b' }, cwd)).toThrow(/SWARM_GIT_USERNAME/);
    const config = loadConfig({ SWARM_GIT_TOKEN_ENV: 'MISSING_TOKEN' }, cwd);
    expect(() => gitToken(config, {})).toThrow(ConfigError);
    expect(() => gitToken(config, {})).toThrow(/MISSING_TOKEN, which is not set/);
  });
});
