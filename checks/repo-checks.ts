import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';

export interface CheckCommand {
  name: string;
  command: string;
}

export class RepoConfigError extends Error {
  override name = 'RepoConfigError';
}

export const REPO_CONFIG_FILE = '.swarm.json';

const repoConfigSchema = z
  .object({
    checks: z
      .record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'check names are lowercase words like "test" or "build"'), z.string().min(1))
      .optional(),
  })
  .passthrough();

/** The order checks run in when detected from package.json: cheap and most telling first. */
const DETECTED_SCRIPTS = ['lint', 'typecheck', 'test', 'build'] as const;

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RepoConfigError(`cannot parse ${file}: ${(err as Error).message}`);
  }
}

/**
 * The checks a repository asks for: `checks` in its `.swarm.json` when present (in file order),
 * otherwise the lint/typecheck/test/build scripts of its package.json.
 */
export function detectChecks(worktree: string): CheckCommand[] {
  const configFile = path.join(worktree, REPO_CONFIG_FILE);
  if (existsSync(configFile)) {
    const parsed = repoConfigSchema.safeParse(readJson(configFile));
    if (!parsed.success) throw new RepoConfigError(`invalid ${REPO_CONFIG_FILE}: ${formatZodError(parsed.error)}`);
    if (parsed.data.checks) return Object.entries(parsed.data.checks).map(([name, command]) => ({ name, command }));
  }
  const packageFile = path.join(worktree, 'package.json');
  if (!existsSync(packageFile)) return [];
  const scripts = (readJson(packageFile) as { scripts?: Record<string, unknown> }).scripts ?? {};
  return DETECTED_SCRIPTS.filter((name) => typeof scripts[name] === 'string' && !/no test specified/.test(String(scripts[name]))).map(
    (name) => ({ name, command: name === 'test' ? 'npm test' : `npm run ${name}` }),
  );
}
