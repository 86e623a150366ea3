import { z } from 'zod';
import { TASK_STATUSES } from '../tasks/task.js';
import { taskIdSchema } from '../tasks/task-spec.js';

const attempt = z.number().int().min(1).max(100);

export const taskRef = z.object({ taskId: taskIdSchema });
const modelType = z.string().min(1);
export const runAgentInput = z.object({
  taskId: taskIdSchema,
  attempt,
  modelType,
  feedbackArtifactId: z.string().nullable(),
});
export const agentTurnInput = z.object({
  taskId: taskIdSchema,
  attempt,
  turn: z.number().int().min(1).max(10_000),
  modelType,
  maxTurns: z.number().int().min(1).max(10_000),
  feedbackArtifactId: z.string().nullable(),
});
export const recordLearningsInput = z.object({
  taskId: taskIdSchema,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  mergeCommit: z.string().nullable(),
});
export const taskStatusInput = z.object({ taskId: taskIdSchema, status: z.enum(TASK_STATUSES) });
export const runChecksInput = z.object({ taskId: taskIdSchema, attempt, round: z.number().int().min(1).max(20) });
export const landChangesInput = z.object({ taskId: taskIdSchema, attempt });
export const recordResultInput = z.object({
  taskId: taskIdSchema,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  attempts: z.number().int().min(0),
  mergeCommit: z.string().nullable(),
  summary: z.string(),
  failureReason: z.string().nullable(),
});
export const collectBaselineAtInput = z.object({ taskId: taskIdSchema, commitSha: z.string().regex(/^[0-9a-f]{40}$/) });
