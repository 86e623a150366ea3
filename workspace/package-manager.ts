import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type PackageManagerName = 'npm' | 'pnpm' | 'yarn' | 'yarn-berry' | 'bun';

export interface PackageManager {
  name: PackageManagerName;
  /** The program: `yarn` for both yarns. */
  tool: 'npm' | 'pnpm' | 'yarn' | 'bun';
  /** From package.json's `packageManager` (`pnpm@9.12.0+sha512…`), for Corepack. */
  version: string | null;
  /** The lockfile that pins the tree (relative to the repo), or null when there is none. */
  lockfile: string | null;
  /** How it was told: the `packageManager` field, a lockfile, or npm by default. */
  source: 'packageManager' | 'lockfile' | 'default';
}

/** Lockfiles in order of precedence when several are present. */
const LOCKFILES: Array<[string, PackageManagerName]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

const TOOL: Record<PackageManagerName, PackageManager['tool']> = {
  npm: 'npm',
  pnpm: 'pnpm',
  yarn: 'yarn',
  'yarn-berry': 'yarn',
  bun: 'bun',
};

/** Yarn 2+ (berry) writes `__metadata:` into yarn.lock and reads `.yarnrc.yml`; classic has neither. */
function isBerry(dir: string, version: string | null): boolean {
  if (version !== null) return Number(version.split('.')[0]) >= 2;
  if (existsSync(path.join(dir, '.yarnrc.yml'))) return true;
  const lock = path.join(dir, 'yarn.lock');
  return existsSync(lock) && /^__metadata:/m.test(readFileSync(lock, 'utf8').slice(0, 4096));
}

/**
 * The package manager of a repository, from package.json's `packageManager` field (what Corepack
 * reads) or else its lockfile; npm when it has neither. `pkg` is its parsed package.json.
 */
export function detectPackageManager(dir: string, pkg: { packageManager?: unknown }): PackageManager {
  const declared =
    typeof pkg.packageManager === 'string' ? /^(npm|pnpm|yarn|bun)@([^+\s]+)/.exec(pkg.packageManager) : null;
  const found = LOCKFILES.find(([file]) => existsSync(path.join(dir, file)));
  if (declared) {
    const [tool, version] = [declared[1] as PackageManager['tool'], declared[2]!];
    const name: PackageManagerName = tool === 'yarn' && isBerry(dir, version) ? 'yarn-berry' : tool;
    const lockfile = LOCKFILES.find(([file, manager]) => TOOL[manager] === tool && existsSync(path.join(dir, file)));
    return { name, tool, version, lockfile: lockfile?.[0] ?? null, source: 'packageManager' };
  }
  if (found) {
    const [lockfile, manager] = found;
    const name = manager === 'yarn' && isBerry(dir, null) ? 'yarn-berry' : manager;
    return { name, tool: TOOL[name], version: null, lockfile, source: 'lockfile' };
  }
  return { name: 'npm', tool: 'npm', version: null, lockfile: null, source: 'default' };
}

/** The install that reproduces the lockfile exactly and fails instead of changing it; a plain install without one. */
export function installArgs(pm: PackageManager): string[] {
  const frozen = pm.lockfile !== null;
  switch (pm.name) {
    case 'npm':
      return frozen ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
    case 'pnpm':
      return ['install', ...(frozen ? ['--frozen-lockfile'] : [])];
    case 'yarn':
      return ['install', '--non-interactive', ...(frozen ? ['--frozen-lockfile'] : [])];
    case 'yarn-berry':
      return ['install', ...(frozen ? ['--immutable'] : [])];
    case 'bun':
      return ['install', ...(frozen ? ['--frozen-lockfile'] : [])];
  }
}

/** What each manager prints when the lockfile does not match package.json: installing again cannot help. */
export const OUTDATED_LOCKFILE =
  /are in sync|ERR_PNPM_OUTDATED_LOCKFILE|lockfile needs to be updated|YN0028|lockfile had changes, but lockfile is frozen/i;

/**
 * The first lines that say what went wrong, not the usage text npm prints after an error, nor the
 * progress lines before it: lines flagged as errors up to npm's usage block, else the first lines.
 */
export function installErrorLines(output: string, max = 12): string {
  const lines = output.split(/\r?\n/);
  const usageAt = lines.findIndex((line) => /^npm (error|ERR!) (Usage:|Clean install a project)/.test(line));
  const relevant = usageAt === -1 ? lines : lines.slice(0, usageAt);
  const errors = relevant.filter(
    (line) => /\b(error|ERR!|ERR_PNPM_\w+|YN0\d{3})\b/i.test(line) && line.trim() !== 'npm error',
  );
  const chosen = errors.length > 0 ? errors : relevant.filter((line) => line.trim() !== '');
  return chosen.slice(0, max).join('\n');
}
