import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseRepoLocation } from '../tasks/repo-location.js';
import { runGit } from './git-run.js';
import { networkConfig, networkVars, type RemoteAccess } from './remote-access.js';
import { classifyRemoteFailure } from './remote-error.js';
import { RepoError } from './repo-error.js';
import { currentBranch, requireBranch, resolveRepo } from './worktree.js';

/** A task's repository as stored: a local clone's top level or a normalized URL, and its base branch. */
export interface RepoTarget {
  repo: string;
  baseBranch: string;
  /** The base branch's commit now. */
  baseSha: string;
}

/**
 * The refs a remote advertises for `patterns`, and where its HEAD points, asked with `git
 * ls-remote` under the same credentials as the worker's fetches (the CLI checks reachability with it).
 */
export async function lsRemote(
  url: string,
  patterns: string[],
  remote: RemoteAccess,
): Promise<{ head: string | null; refs: Map<string, string> }> {
  const location = parseRepoLocation(url);
  if (location.kind !== 'remote') throw new RepoError(`${url} is not a remote URL`);
  const cwd = tmpdir();
  let out: string;
  try {
    out = await runGit(
      {
        cwd,
        vars: { GIT_CEILING_DIRECTORIES: path.dirname(cwd), ...(await networkVars(remote, location.scheme)) },
        config: networkConfig(remote),
      },
      ['ls-remote', '--symref', location.url, ...patterns],
      { signal: AbortSignal.timeout(60_000) },
    );
  } catch (err) {
    throw classifyRemoteFailure(err, `reaching ${location.url}`);
  }
  let head: string | null = null;
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [left = '', ref = ''] = line.split('\t');
    if (left.startsWith('ref: ')) {
      if (ref === 'HEAD') head = left.slice('ref: refs/heads/'.length);
    } else if (ref) refs.set(ref, left);
  }
  return { head, refs };
}

/**
 * Resolves what a submission names: a local path to its clone's top level and its current (or given)
 * branch, as always; a URL to its normalized form and the remote's HEAD branch (or the given one),
 * which must exist on the remote.
 */
export async function resolveRepoTarget(
  input: string,
  baseBranch: string | undefined,
  /** The remote access, or how to build it (only asked for a URL: a local path needs no credentials). */
  remote: RemoteAccess | (() => RemoteAccess),
): Promise<RepoTarget> {
  const location = parseRepoLocation(input);
  if (location.kind === 'local') {
    const repo = await resolveRepo(input);
    const branch = baseBranch ?? (await currentBranch(repo));
    return { repo, baseBranch: branch, baseSha: await requireBranch(repo, branch) };
  }
  const { head, refs } = await lsRemote(
    location.url,
    baseBranch ? ['HEAD', `refs/heads/${baseBranch}`] : ['HEAD'],
    typeof remote === 'function' ? remote() : remote,
  );
  const branch = baseBranch ?? head;
  if (!branch) throw new RepoError(`remote ${location.url} has no HEAD branch: name the base branch with --base`);
  const sha = refs.get(`refs/heads/${branch}`) ?? (branch === head ? refs.get('HEAD') : undefined);
  if (!sha) throw new RepoError(`remote ${location.url} has no branch "${branch}"`);
  return { repo: location.url, baseBranch: branch, baseSha: sha };
}
