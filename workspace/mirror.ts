import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { realpathOr, type RepoGit } from './git-bindings.js';
import { runGit, type GitContext } from './git-run.js';
import { NETWORK_TIMEOUT_MS, networkConfig, networkVars, type RemoteAccess } from './remote-access.js';
import { classifyRemoteFailure, isStaleRejection } from './remote-error.js';
import { RepoError } from './repo-error.js';
import { mirrorName, parseRepoLocation } from '../tasks/repo-location.js';

/**
 * The worker's bare mirror of a remote: `<mirrorsDir>/<sha256(url)[:16]>.git` with `origin` = the
 * URL, fetched on demand. Task branches are local branches there (worktrees need one); the base is
 * read from `refs/remotes/origin/<base>` after a fetch. Its config holds no credential: the token
 * reaches the fetch/push processes only (remote-access.ts).
 */

/** The ref holding the base branch as git last saw it: the remote's copy in a mirror, the branch itself locally. */
export const baseRef = (repo: RepoGit, branch: string): string =>
  repo.remote ? `refs/remotes/origin/${branch}` : `refs/heads/${branch}`;

const mirrors = new Map<string, RepoGit>();

/** The bare git context of a mirror: no transport (network gits get networkContext()). */
const mirrorContext = (gitDir: string): GitContext => ({
  cwd: gitDir,
  vars: { GIT_DIR: gitDir, GIT_CEILING_DIRECTORIES: path.dirname(gitDir), GIT_ALLOW_PROTOCOL: '' },
  config: [],
});

/** The mirror of `url` (a normalized remote URL), created empty on first use; not fetched. */
export async function openMirror(url: string, access: RemoteAccess): Promise<RepoGit> {
  const location = parseRepoLocation(url);
  if (location.kind !== 'remote') throw new RepoError(`${url} is not a remote URL`);
  const gitDir = path.join(path.resolve(access.mirrorsDir), mirrorName(location.url));
  const cached = mirrors.get(gitDir);
  if (cached && existsSync(gitDir)) return cached;
  if (!existsSync(gitDir)) {
    await mkdir(access.mirrorsDir, { recursive: true, mode: 0o700 });
    // Made aside and renamed into place, so a concurrent worker process never sees it half made.
    const temp = `${gitDir}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(temp);
      const ctx = mirrorContext(temp);
      await runGit(ctx, ['init', '--quiet', '--bare']);
      await runGit(ctx, ['config', 'remote.origin.url', location.url]);
      await runGit(ctx, ['config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*']);
      await rename(temp, gitDir).catch((err: NodeJS.ErrnoException) => {
        if (!existsSync(gitDir)) throw err;
      });
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
  const real = realpathOr(gitDir);
  const repo: RepoGit = {
    path: location.url,
    gitDir: real,
    commonDir: real,
    workTree: null,
    remote: { url: location.url, scheme: location.scheme, access },
  };
  mirrors.set(gitDir, repo);
  return repo;
}

/** The context of a git that talks to the mirror's remote. */
async function networkContext(repo: RepoGit): Promise<GitContext> {
  if (!repo.remote) throw new RepoError(`${repo.path} is not a mirror of a remote`);
  return {
    cwd: repo.gitDir,
    vars: {
      GIT_DIR: repo.gitDir,
      GIT_CEILING_DIRECTORIES: path.dirname(repo.gitDir),
      ...(await networkVars(repo.remote.access, repo.remote.scheme)),
    },
    config: networkConfig(repo.remote.access),
  };
}

/** When the last successful fetch of each mirror (of this process) started. */
const fetchStarts = new Map<string, bigint>();

/**
 * Fetches every branch of the remote into `refs/remotes/origin/*` (pruning deleted ones). Hold the
 * mirror's lock. With `askedAt` (process.hrtime.bigint() taken before waiting for the lock), a fetch
 * that started after it (another task's, while this one waited) already saw the remote as new: none again.
 */
export async function fetchMirror(repo: RepoGit, askedAt?: bigint): Promise<void> {
  if (askedAt !== undefined && (fetchStarts.get(repo.gitDir) ?? -1n) >= askedAt) return;
  const started = process.hrtime.bigint();
  const ctx = await networkContext(repo);
  try {
    await runGit(ctx, ['fetch', '--quiet', '--prune', '--no-tags', '--no-write-fetch-head', 'origin'], {
      signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS),
    });
    fetchStarts.set(repo.gitDir, started);
  } catch (err) {
    throw classifyRemoteFailure(err, `fetching ${repo.path}`);
  }
}

/**
 * Pushes `source` to `refs/heads/<branch>` of the remote, only if the remote's branch is still at
 * `expected` (null: absent): compare-and-swap by `--force-with-lease` (a `+` on the refspec would
 * override the lease). 'moved' when the remote rejected it because the branch is elsewhere;
 * refusals and outages throw (classified). `expected` 'anything': a forced push (scratch branches).
 */
export async function pushBranch(
  repo: RepoGit,
  source: string,
  branch: string,
  expected: string | null | 'anything',
): Promise<'pushed' | 'moved'> {
  const ctx = await networkContext(repo);
  const ref = `refs/heads/${branch}`;
  const [lease, refspec] =
    expected === 'anything'
      ? [[], `+${source}:${ref}`]
      : [[`--force-with-lease=${ref}:${expected ?? ''}`], `${source}:${ref}`];
  try {
    await runGit(ctx, ['push', '--quiet', '--no-verify', ...lease, 'origin', refspec], {
      signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS),
    });
    return 'pushed';
  } catch (err) {
    if (isStaleRejection(err)) return 'moved';
    throw classifyRemoteFailure(err, `pushing ${branch} to ${repo.path}`);
  }
}

/** Fetches when `commit` is not in the mirror yet (made by another worker). */
export async function ensureCommit(repo: RepoGit, ctx: GitContext, commit: string): Promise<void> {
  if (!repo.remote) return;
  const has = await runGit(ctx, ['cat-file', '-e', `${commit}^{commit}`]).then(
    () => true,
    () => false,
  );
  if (!has) await fetchMirror(repo);
}
