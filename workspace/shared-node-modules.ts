import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PackageManager } from './package-manager.js';

/** Written into a worktree's node_modules once its dependencies match the key; the install step then does nothing. */
export const DEPS_MARKER = '.swarm-deps';
const READY = 'ready';

/** The package.json fields an install depends on, besides the lockfile. */
const INSTALL_FIELDS = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
  'overrides',
  'resolutions',
  'pnpm',
  'packageManager',
];

/** Trees that can be shared: pinned by a lockfile, and not workspaces (their packages get node_modules of their own). */
export const shareable = (dir: string, pkg: Record<string, unknown>, pm: PackageManager): boolean =>
  pm.lockfile !== null && pkg.workspaces === undefined && !existsSync(path.join(dir, 'pnpm-workspace.yaml'));

/**
 * What a dependency tree depends on: the manager, the lockfile, the install-relevant parts of
 * package.json, Node's major version and the platform.
 */
export function dependenciesKey(dir: string, pkg: Record<string, unknown>, pm: PackageManager): string {
  const hash = createHash('sha256');
  hash.update(`${pm.name}\0${process.versions.node.split('.')[0]}\0${process.platform}-${process.arch}\0`);
  hash.update(JSON.stringify(INSTALL_FIELDS.map((field) => pkg[field] ?? null)));
  if (pm.lockfile) hash.update(readFileSync(path.join(dir, pm.lockfile)));
  return hash.digest('hex').slice(0, 32);
}

/** The key the worktree's node_modules was installed or linked for, or null. */
export async function installedKey(worktree: string): Promise<string | null> {
  return readFile(path.join(worktree, 'node_modules', DEPS_MARKER), 'utf8')
    .then((text) => text.trim())
    .catch(() => null);
}

export const markInstalled = (worktree: string, key: string) =>
  writeFile(path.join(worktree, 'node_modules', DEPS_MARKER), `${key}\n`);

const entryDir = (cacheDir: string, key: string) => path.join(cacheDir, key);
const cachedNodeModules = (cacheDir: string, key: string) => path.join(entryDir(cacheDir, key), 'node_modules');

export const isCached = (cacheDir: string, key: string): boolean =>
  existsSync(path.join(entryDir(cacheDir, key), READY));

/**
 * Gives the worktree the cached tree as a node_modules of links: each top-level entry links to the
 * cache (read-only in every sandbox), links the tree holds itself (pnpm's) are copied as they are.
 * The directory itself is the worktree's, so caches tools write there (`.vite`, `.cache`) stay its own.
 */
export async function linkCachedTree(cacheDir: string, key: string, worktree: string): Promise<void> {
  const source = cachedNodeModules(cacheDir, key);
  const target = path.join(worktree, 'node_modules');
  await rm(target, { recursive: true, force: true });
  await mkdir(target);
  for (const name of await readdir(source)) {
    if (name === DEPS_MARKER) continue;
    const from = path.join(source, name);
    const info = await lstat(from);
    await symlink(info.isSymbolicLink() ? await readlink(from) : from, path.join(target, name));
  }
  await markInstalled(worktree, key);
}

/**
 * Moves a freshly installed node_modules out of the worktree into the cache under `key` (a rename
 * when both are on one filesystem), then links it back. Another worker that cached the same key
 * first wins; this tree is then dropped and theirs linked.
 */
export async function adoptIntoCache(cacheDir: string, key: string, worktree: string): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const staging = path.join(cacheDir, `.staging-${key}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  const installed = path.join(worktree, 'node_modules');
  try {
    await rename(installed, path.join(staging, 'node_modules')).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EXDEV') throw err;
      await cp(installed, path.join(staging, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    });
    await writeFile(path.join(staging, READY), new Date().toISOString());
    // Entries appear whole (a rename of a ready staging dir), so one that exists is complete.
    if (!isCached(cacheDir, key)) {
      await rename(staging, entryDir(cacheDir, key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
      });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await linkCachedTree(cacheDir, key, worktree);
}
