import type { SwarmConfig } from '../config/config.js';
import { formatZodError } from '../config/format-zod-error.js';
import { taskSpecSchema, type TaskSpec } from '../tasks/task-spec.js';
import { currentBranch, requireBranch, resolveRepo } from '../workspace/worktree.js';
import { routeTask } from './routing.js';
import { TaskInputError } from './task-input-error.js';

export interface ValidTaskSubmission {
  spec: TaskSpec;
  /** The repository's top level. */
  repo: string;
  baseBranch: string;
  modelType: string;
}

async function rejectAsInput<T>(what: () => Promise<T> | T): Promise<T> {
  try {
    return await what();
  } catch (err) {
    throw new TaskInputError((err as Error).message);
  }
}

/**
 * Everything about a submitted task that can be wrong, checked with nothing but the configuration
 * and git: the spec (schema), the repo, its base branch and the model routing. The CLI runs it
 * before it connects to the database or Temporal, so bad input never waits on either.
 */
export async function validateTaskSubmission(config: SwarmConfig, input: unknown): Promise<ValidTaskSubmission> {
  const parsed = taskSpecSchema.safeParse(input);
  if (!parsed.success) throw new TaskInputError(`invalid task: ${formatZodError(parsed.error)}`);
  const spec = parsed.data;
  const repo = await rejectAsInput(() => resolveRepo(spec.repo));
  const baseBranch = spec.baseBranch ?? (await rejectAsInput(() => currentBranch(repo)));
  await rejectAsInput(() => requireBranch(repo, baseBranch));
  const modelType = await rejectAsInput(() => routeTask(config.models, config.defaultModel, spec.model, spec.skills));
  return { spec, repo, baseBranch, modelType };
}
