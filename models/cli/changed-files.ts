import { execFile } from 'node:child_process';

/** Files changed in the worktree against HEAD, untracked ones included; null when git cannot tell. */
export function changedFiles(worktree: string): Promise<string[] | null> {
  return new Promise((resolve) => {
    execFile('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: worktree, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) return resolve(null);
      const files: string[] = [];
      const entries = stdout.split('\0');
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        if (entry.length < 4) continue;
        files.push(entry.slice(3));
        // A rename is followed by its original path (without a status): that file changed too.
        if (entry[0] === 'R' && entries[i + 1]) files.push(entries[++i]!);
      }
      resolve([...new Set(files)].sort());
    });
  });
}
