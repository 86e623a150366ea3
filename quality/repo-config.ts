import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import { KIND_OF_FORMAT } from './quality-check.js';
import { qualityPolicySchema } from './policy.js';
import { checkKindSchema, reportFormatSchema } from './snapshot.js';
import { SwarmError } from '../errors/swarm-error.js';
import { readUserTextFile } from '../config/user-file.js';

export class RepoConfigError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'RepoConfigError';
}

export const REPO_CONFIG_FILE = '.swarm.json';

const checkNameSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, 'check names are lowercase words like "test" or "build"');

/** The extended form of a check; a plain string stays a command judged by its exit code alone. */
const checkObjectSchema = z
  .object({
    command: z.string().min(1),
    kind: checkKindSchema.optional(),
    format: reportFormatSchema.default('exit-code'),
    coverage: z.boolean().default(false),
  })
  .strict()
  .refine((check) => !check.kind || !KIND_OF_FORMAT[check.format] || KIND_OF_FORMAT[check.format] === check.kind, {
    message:
      'kind does not match format (eslint-json is lint, tsc is typecheck, vitest-json/jest-json/node-test are test)',
  });

/** A plain string is shorthand for `{ "command": "…" }`: a command judged by its exit code. */
const checkSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { command: value } : value),
  checkObjectSchema,
);

const repoConfigSchema = z
  .object({
    checks: z.record(checkNameSchema, checkSchema).optional(),
    /** Severities and thresholds of the quality gate for this repository. */
    quality: qualityPolicySchema.partial().optional(),
  })
  .passthrough();

export type RepoConfig = z.output<typeof repoConfigSchema>;
export type ConfiguredCheck = z.output<typeof checkObjectSchema>;

/** Largest `.swarm.json` or package.json read: the repository is not trusted to keep them small, or regular. */
const REPO_JSON_MAX_BYTES = 4 * 1024 * 1024;

export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readUserTextFile(file, { maxBytes: REPO_JSON_MAX_BYTES }));
  } catch (err) {
    throw new RepoConfigError(`cannot parse ${file}: ${(err as Error).message}`);
  }
}

/** The repository's `.swarm.json`, validated; null when it has none. */
export function readRepoConfig(worktree: string): RepoConfig | null {
  const file = path.join(worktree, REPO_CONFIG_FILE);
  if (!existsSync(file)) return null;
  const parsed = repoConfigSchema.safeParse(readJsonFile(file));
  if (!parsed.success) throw new RepoConfigError(`invalid ${REPO_CONFIG_FILE}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
