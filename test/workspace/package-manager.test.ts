import { rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPackageManager, installArgs, installErrorLines } from '../../workspace/package-manager.js';
import { tempDir } from '../helpers/test-env.js';

describe('the package manager of a repository', () => {
  let root: string;
  const repoWith = async (name: string, files: Record<string, string>) => {
    const dir = path.join(root, name);
    await mkdir(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
    return dir;
  };

  beforeAll(() => {
    root = tempDir('package-manager');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is told by packageManager first, then by the lockfile, and installs with its frozen-lockfile command', async () => {
    const cases: Array<[string, Record<string, string>, object, string, string]> = [
      [
        'declared',
        { 'pnpm-lock.yaml': '' },
        { packageManager: 'pnpm@9.15.9+sha512.abc' },
        'pnpm',
        'install --frozen-lockfile',
      ],
      ['pnpm', { 'pnpm-lock.yaml': '' }, {}, 'pnpm', 'install --frozen-lockfile'],
      ['classic', { 'yarn.lock': '# yarn lockfile v1\n' }, {}, 'yarn', 'install --non-interactive --frozen-lockfile'],
      ['berry', { 'yarn.lock': '__metadata:\n  version: 8\n' }, {}, 'yarn-berry', 'install --immutable'],
      ['berry-declared', { 'yarn.lock': '' }, { packageManager: 'yarn@4.5.0' }, 'yarn-berry', 'install --immutable'],
      ['bun', { 'bun.lockb': '' }, {}, 'bun', 'install --frozen-lockfile'],
      ['npm', { 'package-lock.json': '{}' }, {}, 'npm', 'ci --no-audit --no-fund'],
      ['none', {}, {}, 'npm', 'install --no-audit --no-fund'],
    ];
    for (const [name, files, pkg, manager, args] of cases) {
      const pm = detectPackageManager(await repoWith(name, files), pkg);
      expect([pm.name, installArgs(pm).join(' ')], name).toEqual([manager, args]);
    }
  });

  it('keeps the first error lines of a failed install, without the usage text npm prints after them', () => {
    const npm = [
      'npm error code EUSAGE',
      'npm error',
      'npm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.',
      'npm error Missing: uvu@0.5.6 from lock file',
      'npm error',
      'npm error Clean install a project',
      'npm error',
      'npm error Usage:',
      'npm error npm ci',
    ].join('\n');
    expect(installErrorLines(npm)).toBe(
      [
        'npm error code EUSAGE',
        'npm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.',
        'npm error Missing: uvu@0.5.6 from lock file',
      ].join('\n'),
    );
    const pnpm =
      'Lockfile is up to date\n ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile"\n\nNote: …';
    expect(installErrorLines(pnpm)).toBe(' ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile"');
  });
});
