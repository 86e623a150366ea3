import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPackageJson } from '../../quality/package-json.js';
import { readRepoConfig, RepoConfigError } from '../../quality/repo-config.js';
import { installDependencies } from '../../workspace/dependencies.js';
import { tempDir } from '../helpers/test-env.js';

const root = tempDir('repo-json');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A checkout whose .swarm.json and package.json are `make(file)`. */
function checkout(name: string, make: (file: string) => void): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  make(path.join(dir, '.swarm.json'));
  make(path.join(dir, 'package.json'));
  return dir;
}

describe('.swarm.json and package.json from a repository or worktree', () => {
  it.each([
    [
      'a link to /dev/zero',
      (file: string) => symlinkSync('/dev/zero', file),
      /is a character device, not a regular file/,
    ],
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file]), /is a FIFO \(named pipe\), not a regular file/],
    [
      'over 4 MB',
      (file: string) => writeFileSync(file, `{"x": "${'y'.repeat(4 * 1024 * 1024)}"}`),
      /more than the 4096 KB allowed/,
    ],
  ])('is refused at once, naming the file, when it is %s', async (name, make, reason) => {
    const dir = checkout(name.replace(/\W+/g, '-'), make);
    for (const read of [() => readRepoConfig(dir), () => readPackageJson(dir)]) {
      let error: unknown;
      try {
        read();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(RepoConfigError);
      expect((error as Error).message).toMatch(reason);
    }
    await expect(installDependencies(dir, { timeoutMs: 10_000 })).rejects.toThrow(reason);
  });
});
