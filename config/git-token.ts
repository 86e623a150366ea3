import { ConfigError, type SwarmConfig } from './config.js';

/**
 * The token for https remotes, read from the variable `git.tokenEnv` names (once, at process start);
 * null when none is configured. A named variable that is unset or empty is a configuration error.
 */
export function gitToken(
  config: Pick<SwarmConfig, 'git'>,
  env: Record<string, string | undefined>,
): { username: string; value: string } | null {
  const name = config.git.tokenEnv;
  if (!name) return null;
  const value = env[name];
  if (!value) throw new ConfigError(`SWARM_GIT_TOKEN_ENV (git.tokenEnv) names ${name}, which is not set`);
  return { username: config.git.username, value };
}
