import { z } from 'zod';
import type { SwarmConfig } from '../config/config.js';
import { formatZodError } from '../config/format-zod-error.js';
import { multiLineText, oneLineText } from '../tasks/text-rules.js';
import { baseBranchSchema, repoSchema } from '../tasks/task-spec.js';
import { resolveSubmittedRepo } from './task-submission.js';
import { TaskInputError } from './task-input-error.js';

export const MAX_PLAN_PARALLEL = 50;

/** What `swarm plan create` submits. */
export const planSubmissionSchema = z
  .object({
    goal: multiLineText('goal', 200_000),
    repo: repoSchema,
    baseBranch: baseBranchSchema.optional(),
    model: oneLineText('model', 64).optional(),
    parallel: z
      .number()
      .int()
      .min(1, 'parallel must be at least 1')
      .max(MAX_PLAN_PARALLEL, `parallel is limited to ${MAX_PLAN_PARALLEL}`)
      .default(4),
    autoApprove: z.boolean().default(false),
    failurePolicy: z.enum(['continue', 'stop']).default('continue'),
    maxAttempts: z.number().int().min(1).max(10).default(3),
  })
  .strict();
export type PlanSubmission = z.output<typeof planSubmissionSchema>;

/** Checks a plan submission with nothing but configuration and git, before any model is asked. */
export async function validatePlanSubmission(
  config: SwarmConfig,
  input: unknown,
  env: Record<string, string | undefined> = process.env,
) {
  const parsed = planSubmissionSchema.safeParse(input);
  if (!parsed.success) throw new TaskInputError(`invalid plan: ${formatZodError(parsed.error)}`);
  const spec = parsed.data;
  const { repo, baseBranch } = await resolveSubmittedRepo(config, spec.repo, spec.baseBranch, env);
  const plannerModel = spec.model ?? config.defaultModel;
  if (!Object.hasOwn(config.models, plannerModel))
    throw new TaskInputError(
      `model "${plannerModel}" is not configured (configured: ${Object.keys(config.models).join(', ')})`,
    );
  return { spec, repo, baseBranch, plannerModel };
}
