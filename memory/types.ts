import { z } from 'zod';
import { multiLineProblem, oneLineProblem, textRule } from '../tasks/text-rules.js';

export const MEMORY_TYPES = [
  'codebase_knowledge',
  'learning',
  'error_pattern',
  'solution_pattern',
  'task_context',
  'conversation',
] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

/** Longest memory content we embed: about 2,000 tokens, well inside every provider's input limit. */
export const MAX_CONTENT_CHARS = 8_000;

/** Where a memory came from. Each `store` of a near-duplicate appends its own entry. */
export const provenanceSchema = z
  .object({
    taskId: z.string().min(1).optional(),
    attempt: z.number().int().min(1).optional(),
    commit: z.string().min(1).optional(),
    filesTouched: z.array(z.string().min(1)).max(500).optional(),
    failureSignature: z.string().min(1).max(2_000).optional(),
  })
  .strict();
export type Provenance = z.infer<typeof provenanceSchema>;

const tag = z
  .string()
  .trim()
  .min(1, 'tags must not be empty')
  .max(64, 'tags are limited to 64 characters')
  .superRefine(textRule(oneLineProblem, 'a tag'));

/** Longest lifetime: a hundred years, well inside what a Date can hold. */
export const MAX_TTL_SECONDS = 100 * 365 * 24 * 3600;

export const memoryInputSchema = z
  .object({
    content: z
      .string()
      .trim()
      .min(1, 'content must not be empty')
      .max(MAX_CONTENT_CHARS, `content is limited to ${MAX_CONTENT_CHARS} characters`)
      .superRefine(textRule(multiLineProblem, 'content')),
    type: z.enum(MEMORY_TYPES),
    importance: z.number().min(0, 'importance is between 0 and 1').max(1, 'importance is between 0 and 1').default(0.5),
    tags: z.array(tag).max(32, 'at most 32 tags').default([]),
    provenance: provenanceSchema.default({}),
    /** The branch the memory applies to; null for memories that hold on every branch. */
    branch: z
      .string()
      .min(1, 'branch must not be empty (use null for global memories)')
      .superRefine(textRule(oneLineProblem, 'branch'))
      .nullable()
      .default(null),
    /**
     * The repository (its top-level path) the memory applies to; null for memories that hold in every
     * repository. Branch names repeat across repositories: `main` of one is not `main` of another.
     */
    repo: z
      .string()
      .min(1, 'repo must not be empty (use null for memories of every repository)')
      .superRefine(textRule(oneLineProblem, 'repo'))
      .nullable()
      .default(null),
    /** Lifetime from now; omitted means the memory never expires. */
    ttlSeconds: z
      .number()
      .int('ttlSeconds must be a positive integer')
      .positive('ttlSeconds must be a positive integer')
      .max(MAX_TTL_SECONDS, `ttlSeconds is limited to ${MAX_TTL_SECONDS} (100 years)`)
      .optional(),
  })
  .strict();
export type MemoryInput = z.input<typeof memoryInputSchema>;
export type ValidMemoryInput = z.output<typeof memoryInputSchema>;

export interface Memory {
  id: string;
  content: string;
  type: MemoryType;
  importance: number;
  tags: string[];
  /** One entry per store that created or reinforced this memory, oldest first. */
  provenance: Provenance[];
  branch: string | null;
  repo: string | null;
  embeddingModel: string | null;
  createdAt: string;
  lastAccessedAt: string | null;
  expiresAt: string | null;
}

export interface MemoryHit {
  memory: Memory;
  /** Cosine similarity to the query, in [-1, 1]; 1 is identical direction. */
  similarity: number;
}
