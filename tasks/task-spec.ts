import { z } from 'zod';
import { repoLocationProblem } from './repo-location.js';
import { dataBranchName } from './data-branch-name.js';

import { PRIORITIES, TASK_ID_PATTERN } from './task.js';
import { multiLineText, oneLineProblem, oneLineText, textRule } from './text-rules.js';

const skill = z
  .string()
  .regex(/^[a-z0-9][a-z0-9+#.-]{0,39}$/, 'skills are short lowercase words like "typescript" or "react"');

export const taskIdSchema = z.string().regex(TASK_ID_PATTERN, 'task ids are lowercase letters and digits');

/** A task's or a plan's repository: a local path or a git remote URL (tasks/repo-location.ts). */
export const repoSchema = z
  .string()
  .min(1, 'repo must name a git repository path or URL')
  .max(4_096, 'repo is limited to 4096 characters')
  .superRefine(textRule(oneLineProblem, 'repo'))
  .superRefine((repo, ctx) => {
    const problem = repoLocationProblem(repo);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const baseBranchSchema = z
  .string()
  .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'baseBranch must be a valid git branch name');

export const MAX_DESCRIPTION_CHARS = 200_000;
export const MAX_BUDGET_TOKENS = 1_000_000_000_000;
export const MAX_BUDGET_USD = 1_000_000;

/** What a user submits. Validated at the client before anything is written. */
export const taskSpecSchema = z
  .object({
    title: oneLineText('title', 200),
    description: multiLineText('description', MAX_DESCRIPTION_CHARS),
    priority: z.enum(PRIORITIES).default('medium'),
    skills: z.array(skill).max(20).default([]),
    acceptanceCriteria: z.array(oneLineText('an acceptance criterion', 1_000)).max(50).default([]),
    repo: repoSchema,
    baseBranch: baseBranchSchema.optional(),
    model: oneLineText('model', 64).optional(),
    /** Tasks that must succeed first; the new task waits `blocked` until they have landed. */
    dependsOn: z
      .array(taskIdSchema)
      .max(50, 'a task may depend on at most 50 tasks')
      .transform((ids) => [...new Set(ids)])
      .default([]),
    maxAttempts: z
      .number()
      .int()
      .min(1, 'maxAttempts must be at least 1')
      .max(10, 'maxAttempts is limited to 10')
      .default(3),
    budget: z
      .object({
        maxTokens: z
          .number()
          .int('budget.maxTokens must be a whole number of tokens')
          .positive('budget.maxTokens must be a positive number of tokens')
          .max(MAX_BUDGET_TOKENS, `budget.maxTokens is limited to ${MAX_BUDGET_TOKENS}`)
          .optional(),
        maxCostUsd: z
          .number()
          .positive('budget.maxCostUsd must be a positive amount in USD')
          .max(MAX_BUDGET_USD, `budget.maxCostUsd is limited to ${MAX_BUDGET_USD} USD`)
          .optional(),
      })
      .strict()
      .optional(),
    /** The data branch the task's records go to (`main`, or absent, for the main data). */
    dataBranch: dataBranchName.optional(),
  })
  .strict();

export type TaskSpecInput = z.input<typeof taskSpecSchema>;
export type TaskSpec = z.output<typeof taskSpecSchema>;
