import type { ConfigEntry } from './git-env.js';
import { runGit, type GitContext } from './git-run.js';

/**
 * Filter, merge and diff drivers are programs named in config and chosen by .gitattributes, which
 * the agent writes. Config cannot be unset from the command line, so every driver defined in the
 * repository's own config files (local, worktree, and what they include) is overridden: clean,
 * smudge and process become empty (no filter), textconv and diff commands empty (a patch of such a
 * file fails instead of running anything), and a merge driver becomes `false` (the file is a
 * conflict). Drivers from the worker user's global config (e.g. git-lfs) stay.
 */
export function driverOverrides(listing: string): ConfigEntry[] {
  const fields = listing.split('\0');
  const overrides = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i]!;
    const key = fields[i + 1]!;
    if (scope === 'global' || scope === 'command') continue;
    let m: RegExpMatchArray | null;
    if ((m = key.match(/^filter\.(.+)\.(?:clean|smudge|process)$/))) {
      for (const name of ['clean', 'smudge', 'process']) overrides.set(`filter.${m[1]}.${name}`, '');
      overrides.set(`filter.${m[1]}.required`, 'false');
    } else if ((m = key.match(/^merge\.(.+)\.driver$/))) {
      overrides.set(`merge.${m[1]}.driver`, 'false');
    } else if ((m = key.match(/^diff\.(.+)\.(?:textconv|command)$/))) {
      overrides.set(`diff.${m[1]}.textconv`, '');
      overrides.set(`diff.${m[1]}.command`, '');
    }
  }
  return [...overrides];
}

/** `ctx` with the drivers its repository's config defines neutralised (reading config runs nothing). */
export async function withoutRepoDrivers(ctx: GitContext): Promise<GitContext> {
  const listing = await runGit(ctx, ['config', '--list', '--show-scope', '--name-only', '-z']);
  return { ...ctx, config: [...ctx.config, ...driverOverrides(listing)] };
}
