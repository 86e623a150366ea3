import path from 'node:path';
import type { SandboxKind } from './sandbox-policy.js';

/** Copied from the worker's environment when set: what a toolchain needs to find programs and speak the locale. */
export const SANDBOX_ENV_PASSTHROUGH = ['PATH', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TZ', 'NO_COLOR'] as const;

/**
 * Also copied when the sandbox has the network: proxies, extra CA certificates, and where Corepack
 * fetches package managers from and which keys it checks them with (a registry mirror without
 * signatures needs COREPACK_INTEGRITY_KEYS=0, a choice the worker's operator makes).
 */
export const SANDBOX_NETWORK_ENV = [
  'COREPACK_NPM_REGISTRY',
  'COREPACK_INTEGRITY_KEYS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
] as const;

const NODE_BIN_DIR = /[/\\]node_modules[/\\]\.bin[/\\]?$/;

/** The PATH without any `node_modules/.bin` (a worker started by `npm run` inherits the swarm's own). */
export function withoutNodeBinDirs(pathValue: string | undefined): string[] {
  return (pathValue ?? '').split(path.delimiter).filter((dir) => dir !== '' && !NODE_BIN_DIR.test(dir));
}

export interface SandboxEnvOptions {
  kind: SandboxKind;
  homeDir: string;
  /** The scratch directory on the host; the sandbox sees it as /tmp. */
  scratchDir: string;
  network: boolean;
  /** Further variables the caller hands in by name, e.g. a coding-agent CLI's API key. */
  passEnv?: readonly string[];
}

/**
 * A cleared environment plus an allowlist: PATH (minus other projects' node_modules/.bin), the
 * locale, HOME = the task's own home, TMPDIR = /tmp (the scratch dir), CI=true, no colours, and the
 * names the caller passes. Database URLs and tokens, other providers' keys and everything else the
 * worker holds stay out.
 */
export function sandboxEnv(
  source: Record<string, string | undefined>,
  options: SandboxEnvOptions,
): Record<string, string> {
  const names = [
    ...SANDBOX_ENV_PASSTHROUGH,
    ...(options.network ? SANDBOX_NETWORK_ENV : []),
    ...(options.passEnv ?? []),
  ];
  const env = allowlistedEnv(source, names);
  env.PATH = withoutNodeBinDirs(source.PATH).join(path.delimiter) || '/usr/local/bin:/usr/bin:/bin';
  env.HOME = options.homeDir;
  env.TMPDIR = options.kind === 'bubblewrap' ? '/tmp' : options.scratchDir;
  env.CI = 'true';
  env.FORCE_COLOR = '0';
  return env;
}

/** Without a sandbox: the same allowlist read from `source`, keeping its HOME and TMPDIR. */
export function allowlistOnly(source: Record<string, string | undefined>): Record<string, string> {
  return allowlistedEnv(source, [...SANDBOX_ENV_PASSTHROUGH, 'HOME', 'TMPDIR', 'USER', 'LOGNAME']);
}

/** Copies only the named variables that are set: the one way any child's environment is picked. */
export function allowlistedEnv(
  source: Record<string, string | undefined>,
  names: readonly string[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of new Set(names)) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
