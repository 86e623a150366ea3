import { z } from 'zod';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Size limits on untrusted agent and check output. The store caps every text it writes (db/persist.ts);
 * a capped text keeps its start and ends with `…[truncated: <total> bytes, kept <kept>]`.
 */
export const DEFAULT_LIMITS = {
  /** One stored text: a check's output, a summary, a failure reason; also each string inside stored JSON. */
  textBytes: 256 * KiB,
  /** One stored JSON row: an agent turn's messages (model text, tool calls, tool results), a check result, a quality snapshot. */
  jsonBytes: 1 * MiB,
  /** One stored artifact: a prompt, a transcript, a feedback text. */
  artifactBytes: 1 * MiB,
  /** One tool result handed back to the model (models/tools), in characters. */
  toolOutputChars: 64_000,
  /** One file written by the agent's write tools. Not enforced yet: the write tools are to read it from here. */
  fileWriteBytes: 5 * MiB,
} as const;

export const limitsSchema = z
  .object({
    textBytes: z
      .number()
      .int()
      .min(4 * KiB)
      .max(64 * MiB),
    jsonBytes: z
      .number()
      .int()
      .min(16 * KiB)
      .max(256 * MiB),
    artifactBytes: z
      .number()
      .int()
      .min(16 * KiB)
      .max(256 * MiB),
    toolOutputChars: z.number().int().min(1_000).max(10_000_000),
    fileWriteBytes: z
      .number()
      .int()
      .min(1 * KiB)
      .max(1024 * MiB),
  })
  .strict();
export type Limits = z.infer<typeof limitsSchema>;
