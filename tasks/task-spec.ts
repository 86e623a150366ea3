import { z } from 'zod';

import { PRIORITIES } from './task.js';

const skill = z.string().regex(/^[a-z0-9][a-z0-9+#.-]{0,39}$/, 'skills are short lowercase words like "typescript" or "react"');

/** What a user submits. Validated at the client before anything is written. */
export const taskSpecSchema = z
  .object({
    title: z.string().trim().min(1, 'title must not be empty').max(200, 'title is limited to 200 characters'),
    description: z.string().trim().min(1, 'description must not be empty').max(200_000),
    priority: z.enum(PRIORITIES).default('medium'),
    skills: z.array(skill).max(20).default([]),
    acceptanceCriteria: z.array(z.string().trim().min(1)).max(50).default([]),
    repo: z.string().min(1, 'repo must name a git repository path'),
    baseBranch: z
      .string()
      .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'baseBranch must be a valid git branch name')
      .optional(),
    model: z.string().min(1).optional(),
    maxAttempts: z.number().int().min(1, 'maxAttempts must be at least 1').max(10, 'maxAttempts is limited to 10').default(3),
    budget: z
      .object({
        maxTokens: z.number().int().positive('budget.maxTokens must be a positive number of tokens').optional(),
        maxCostUsd: z.number().positive('budget.maxCostUsd must be a positive amount in USD').optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type TaskSpecInput = z.input<typeof taskSpecSchema>;
export type TaskSpec = z.output<typeof taskSpecSchema>;

export const taskIdSchema = z.string().regex(/^[a-z0-9]{6,32}$/, 'task ids are lowercase letters and digits');

