import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RemoteScheme } from '../tasks/repo-location.js';
import type { ConfigEntry } from './git-env.js';

/**
 * How this worker (or the CLI) reaches git remotes: where its mirrors live and which credentials the
 * network gits (fetch, push, ls-remote, and nothing else) get. Built once at process start.
 */
export interface RemoteAccess {
  /** `$SWARM_HOME/mirrors`: one bare mirror per remote, and the askpass program. */
  mirrorsDir: string;
  /** A token for https remotes, handed to git through the askpass program, never on a command line or in a file. */
  token: { username: string; value: string } | null;
  /**
   * Variables of the process's environment that reach network gits only: the SSH agent, ssh
   * command, the user's askpass, proxies and CA bundles. Never the agent's sandbox.
   */
  env: Record<string, string>;
}

/** The variables a network git may need from the worker's environment (SSH, askpass, proxies, CAs). */
const NETWORK_VARIABLES = [
  'SSH_AUTH_SOCK',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_SSH_VARIANT',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

/** The remote access for `mirrorsDir`, with the network variables of `env` and the token (if any). */
export function remoteAccess(
  mirrorsDir: string,
  env: Record<string, string | undefined>,
  token: { username: string; value: string } | null = null,
): RemoteAccess {
  const picked: Record<string, string> = {};
  for (const name of NETWORK_VARIABLES) {
    const value = env[name];
    if (value) picked[name] = value;
  }
  return { mirrorsDir, token, env: picked };
}

/** The askpass program answers git's prompts from variables set only on the one git process. */
const ASKPASS_SCRIPT = `#!/bin/sh
case "$1" in
  [Uu]sername*) printf '%s\\n' "$SWARM_GIT_ASKPASS_USERNAME" ;;
  *) printf '%s\\n' "$SWARM_GIT_ASKPASS_TOKEN" ;;
esac
`;

const askpassPath = (access: RemoteAccess) => path.join(access.mirrorsDir, 'askpass.sh');

async function ensureAskpass(access: RemoteAccess): Promise<string> {
  const file = askpassPath(access);
  if (existsSync(file)) return file;
  await mkdir(access.mirrorsDir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temp, ASKPASS_SCRIPT, { mode: 0o700, flag: 'wx' });
    await chmod(temp, 0o700);
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
  return file;
}

/**
 * Command-scope config of a network git. A stalled HTTP transfer (under 1 KB/s for a minute) is
 * abandoned, so a hung remote is an outage to retry, not a step that heartbeats forever. With a
 * token, HTTP redirects are not followed: the askpass program answers whichever host asks, and a
 * redirect must not make the token go to another one. Without, git's default (follow the initial
 * request's redirect, e.g. a renamed repository) holds.
 */
export const networkConfig = (access: RemoteAccess): ConfigEntry[] => [
  ['http.lowSpeedLimit', '1000'],
  ['http.lowSpeedTime', '60'],
  ...(access.token ? ([['http.followRedirects', 'false']] as const) : []),
];

/** The longest one fetch, push or ls-remote may take (any transport) before it counts as an outage. */
export const NETWORK_TIMEOUT_MS = 30 * 60_000;

/**
 * The extra environment of one network git: only `scheme` may be used as transport (`ext::` and the
 * other remote helpers never), the network variables, and with a token the askpass program and the
 * token in a variable of that process alone. A token outranks the user's own GIT_ASKPASS.
 */
export async function networkVars(access: RemoteAccess, scheme: RemoteScheme): Promise<Record<string, string>> {
  const vars: Record<string, string> = { ...access.env, GIT_ALLOW_PROTOCOL: scheme };
  // A worker has nobody to answer ssh's prompts (host key, passphrase): fail instead of waiting on a tty.
  if (scheme === 'ssh' && !vars.GIT_SSH_COMMAND && !vars.GIT_SSH) vars.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes';
  if (access.token && (scheme === 'https' || scheme === 'http')) {
    vars.GIT_ASKPASS = await ensureAskpass(access);
    vars.SWARM_GIT_ASKPASS_USERNAME = access.token.username;
    vars.SWARM_GIT_ASKPASS_TOKEN = access.token.value;
  }
  return vars;
}
