import { z } from 'zod';

/**
 * Temporal Worker Versioning (README "Worker versioning and rolling upgrades"): each model type's
 * workers form one Worker Deployment, each release of them one build id. Off unless configured, so
 * the embedded local stack (restarted on every code edit) keeps serving its tasks unversioned.
 */
export const versioningFileSchema = z
  .object({
    enabled: z.boolean().optional(),
    buildId: z.string().optional(),
    promoteOnStart: z.boolean().optional(),
  })
  .strict();

/** Letters, digits, `_ . + -`, not starting with `__` (the server keeps those): a release tag or a commit. */
const BUILD_ID = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/;

export const buildIdSchema = z
  .string()
  .regex(BUILD_ID, 'a build id must be 1–128 letters, digits, "_", ".", "+" or "-", starting with a letter or digit');

export const versioningSchema = z.object({
  enabled: z.boolean('SWARM_WORKER_VERSIONING must be true or false (or 1 or 0)'),
  /** The release's build id; null derives it from the workflow bundle (workers/worker-deployment.ts). */
  buildId: z
    .string()
    .regex(
      BUILD_ID,
      'SWARM_BUILD_ID must be 1–128 letters, digits, "_", ".", "+" or "-", starting with a letter or digit',
    )
    .nullable(),
  /** A worker makes its own build current once it polls (a one-step rollout); otherwise `swarm workers promote`. */
  promoteOnStart: z.boolean('SWARM_PROMOTE_ON_START must be true or false (or 1 or 0)'),
});
export type VersioningConfig = z.infer<typeof versioningSchema>;

type Env = Record<string, string | undefined>;

/** A boolean variable; anything else is passed on as it is, for the schema to refuse by name. */
function flag(env: Env, name: string): boolean | string | undefined {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  return env[name];
}

/** Temporal refuses deployment names holding "." or ":" (its version strings' separators). */
export function deploymentNameProblem(taskQueuePrefix: string): string | null {
  return /[.:]/.test(taskQueuePrefix)
    ? `SWARM_TASK_QUEUE_PREFIX "${taskQueuePrefix}" must not contain "." or ":" when worker versioning is on (it names each model type's Temporal Worker Deployment)`
    : null;
}

/** The candidate for `versioningSchema`: env vars win over the file. */
export function versioningCandidate(env: Env, file: z.infer<typeof versioningFileSchema> | undefined) {
  return {
    enabled: flag(env, 'SWARM_WORKER_VERSIONING') ?? file?.enabled ?? false,
    buildId: env.SWARM_BUILD_ID || file?.buildId || null,
    promoteOnStart: flag(env, 'SWARM_PROMOTE_ON_START') ?? file?.promoteOnStart ?? false,
  };
}
