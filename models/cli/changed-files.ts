import { gitMaybe } from '../../workspace/git.js';

/** Files changed in the worktree against HEAD, untracked ones included; null when git cannot tell. */
export async function changedFiles(worktree: string): Promise<string[] | null> {
  // The worker's hardened git: the worktree's own .git and config are not trusted.
  const stdout = await gitMaybe(worktree, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  if (stdout === null) return null;
  const files: string[] = [];
  const entries = stdout.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    files.push(entry.slice(3));
    // A rename is followed by its original path (without a status): that file changed too.
    if (entry[0] === 'R' && entries[i + 1]) files.push(entries[++i]!);
  }
  return [...new Set(files)].sort();
}
