import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../process/run-command.js';

/** Corepack must neither ask before downloading the manager nor write `packageManager` into package.json. */
export const COREPACK_ENV = { COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', COREPACK_ENABLE_AUTO_PIN: '0' };

/**
 * Where the worker keeps Corepack's `pnpm` and `yarn` shims, beside the shared dependency trees (so
 * every sandbox reads them). They are links to Corepack itself; the managers they run come from the
 * task's own Corepack cache in its sandbox HOME, filled during the install step.
 */
export const corepackShimDir = (cacheDir: string): string => path.join(cacheDir, '.corepack-bin');

/** Creates the shims once (no network: `corepack enable` only links); null when Corepack cannot. */
export async function ensureCorepackShims(cacheDir: string): Promise<string | null> {
  const dir = corepackShimDir(cacheDir);
  if (existsSync(path.join(dir, 'pnpm'))) return dir;
  await mkdir(dir, { recursive: true });
  const enable = await runCommand({
    cwd: dir,
    command: `corepack enable --install-directory '${dir.replaceAll("'", `'\\''`)}' pnpm yarn`,
    timeoutMs: 30_000,
    outputLimitBytes: 8 * 1024,
  });
  return enable.exitCode === 0 ? dir : null;
}
