import { createHash } from 'node:crypto';
import { SwarmError } from '../errors/swarm-error.js';

/**
 * Where a task's repository is: a local path (one machine, as it always was) or a git remote URL
 * (any worker, through its own mirror). Parsed and normalized here only; every other place asks
 * isRemoteRepo() instead of guessing from the string.
 */
export type RepoLocation = { kind: 'local'; path: string } | { kind: 'remote'; url: string; scheme: RemoteScheme };

/** The transports a remote may use; `ext::` and every other helper are refused. */
export const REMOTE_SCHEMES = ['https', 'http', 'ssh', 'git', 'file'] as const;
export type RemoteScheme = (typeof REMOTE_SCHEMES)[number];

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** git's `<transport>::<address>` remote-helper syntax (ext::, fd::, ...). */
const HELPER = /^([A-Za-z][A-Za-z0-9+.-]*)::/;
/** scp-like `[user@]host:path`: a colon before any slash (git's own rule), a plain host name. */
const SCP_LIKE = /^(?:([A-Za-z0-9._~+-]+)@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?!\/\/)(.+)$/;

/** A repo string that names no usable repository (a refused URL): the user fixes the input. */
export class RepoLocationError extends SwarmError {
  override name = 'RepoLocationError';
  readonly kind = 'input';
}

const withoutTrailingSlash = (s: string) => (s.length > 1 ? s.replace(/\/+$/, '') : s);

/**
 * The location `input` names. A URL is normalized (scheme and host lower-cased, no trailing slash)
 * and refused when it carries a password or uses another transport; anything else is a local path.
 */
export function parseRepoLocation(input: string): RepoLocation {
  const trimmed = input.trim();
  const helper = HELPER.exec(trimmed);
  if (helper) {
    throw new RepoLocationError(
      `repo uses the git transport "${helper[1]}::", which is not allowed (use ${REMOTE_SCHEMES.join(', ')} or user@host:path)`,
    );
  }
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!(REMOTE_SCHEMES as readonly string[]).includes(scheme)) {
      throw new RepoLocationError(
        `repo uses the transport "${scheme}://", which is not allowed (use ${REMOTE_SCHEMES.join(', ')} or user@host:path)`,
      );
    }
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new RepoLocationError(`repo is not a valid ${scheme}:// URL`);
    }
    if (url.password) {
      throw new RepoLocationError(
        'repo URL must not carry a password: use a credential helper or git.tokenEnv (SWARM_GIT_TOKEN_ENV)',
      );
    }
    if (url.search || url.hash) throw new RepoLocationError('repo URL must not have a query or a fragment');
    if (scheme !== 'file' && !url.hostname) throw new RepoLocationError(`repo URL ${scheme}:// names no host`);
    if (url.hostname.startsWith('-') || decodeURIComponent(url.username).startsWith('-'))
      throw new RepoLocationError('repo URL host and user must not begin with "-"');
    if (withoutTrailingSlash(url.pathname) === '/' || url.pathname === '')
      throw new RepoLocationError('repo URL names no repository path');
    const user = url.username ? `${url.username}@` : '';
    const port = url.port ? `:${url.port}` : '';
    const normalized = `${scheme}://${user}${url.hostname}${port}${withoutTrailingSlash(url.pathname)}`;
    return { kind: 'remote', url: normalized, scheme: scheme as RemoteScheme };
  }
  const scp = SCP_LIKE.exec(trimmed);
  if (scp && !trimmed.startsWith('/') && !trimmed.startsWith('.')) {
    const [, user, host = '', repoPath = ''] = scp;
    // ssh would take them for options.
    if (host.startsWith('-') || user?.startsWith('-'))
      throw new RepoLocationError('repo host and user must not begin with "-"');
    const normalizedPath = withoutTrailingSlash(repoPath);
    if (!normalizedPath || normalizedPath === '/') throw new RepoLocationError('repo names no repository path');
    return { kind: 'remote', url: `${user ? `${user}@` : ''}${host.toLowerCase()}:${normalizedPath}`, scheme: 'ssh' };
  }
  return { kind: 'local', path: input };
}

/** Whether `repo` (as stored on a task) is a remote URL rather than a local path. */
export function isRemoteRepo(repo: string): boolean {
  try {
    return parseRepoLocation(repo).kind === 'remote';
  } catch {
    // Refused URLs are never stored; treat them as remote so nothing resolves them as a path.
    return true;
  }
}

/** The problem with `repo` as a task's repository, or null (for zod at the boundaries). */
export function repoLocationProblem(repo: string): string | null {
  try {
    parseRepoLocation(repo);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The mirror's directory name for a normalized URL: the first 16 hex digits of its sha256. */
export const mirrorName = (url: string): string => `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.git`;

/** `text` with the password of every URL in it masked (a URL in git's own output may carry one). */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s/@]*@/gi, '$1:***@');
}
