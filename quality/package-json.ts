import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import { RepoConfigError, readJsonFile } from './repo-config.js';

const packageJsonSchema = z
  .object({
    scripts: z.record(z.string(), z.string()).default({}),
    dependencies: z.record(z.string(), z.string()).default({}),
    devDependencies: z.record(z.string(), z.string()).default({}),
  })
  .passthrough();

export type PackageJson = z.output<typeof packageJsonSchema>;

/** The worktree's package.json (the parts the checks are detected from); null when it has none. */
export function readPackageJson(worktree: string): PackageJson | null {
  const file = path.join(worktree, 'package.json');
  if (!existsSync(file)) return null;
  const parsed = packageJsonSchema.safeParse(readJsonFile(file));
  if (!parsed.success) throw new RepoConfigError(`invalid package.json: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

export const hasDependency = (pkg: PackageJson, name: string): boolean =>
  name in pkg.dependencies || name in pkg.devDependencies;
