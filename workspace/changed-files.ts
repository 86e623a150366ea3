import { git } from './git.js';

/**
 * The files HEAD adds or modifies since `fromSha` (deletions left out), with their size and whether
 * git sees them as binary. Sizes come from the committed blobs, not the working tree.
 */
export async function changedFiles(
  worktree: string,
  fromSha: string,
): Promise<Array<{ path: string; bytes: number; binary: boolean }>> {
  const numstat = await git(worktree, ['diff', '--numstat', '-z', '--no-renames', '--diff-filter=AM', fromSha, 'HEAD']);
  const binary = new Map(
    numstat
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [added, , ...rest] = line.split('\t');
        return [rest.join('\t'), added === '-'] as const;
      }),
  );
  if (binary.size === 0) return [];
  // `<mode> <type> <sha> <size>\t<path>` for each changed path.
  const tree = await git(worktree, [
    '--literal-pathspecs',
    'ls-tree',
    '-l',
    '-z',
    '--full-tree',
    'HEAD',
    '--',
    ...binary.keys(),
  ]);
  return tree
    .split('\0')
    .filter(Boolean)
    .flatMap((line) => {
      const tab = line.indexOf('\t');
      const [, type, , size] = line.slice(0, tab).split(/\s+/);
      const path = line.slice(tab + 1);
      return type === 'blob' && binary.has(path) ? [{ path, bytes: Number(size), binary: binary.get(path)! }] : [];
    });
}
