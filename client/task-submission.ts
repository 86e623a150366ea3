import type { SwarmConfig } from '../config/config.js';
import { formatZodError } from '../config/format-zod-error.js';
import { taskSpecSchema, type TaskSpec } from '../tasks/task-spec.js';
import { kindOf } from '../errors/swarm-error.js';
import { gitToken } from '../config/git-token.js';
import { remoteAccess } from '../workspace/remote-access.js';
import { resolveRepoTarget } from '../workspace/repo-target.js';
import { routeTask } from './routing.js';
import { TaskInputError } from './task-input-error.js';

export interface ValidTaskSubmission {
  spec: TaskSpec;
  /** The repository's top level, or the remote's normalized URL. */
  repo: string;
  baseBranch: string;
  modelType: string;
}

export async function rejectAsInput<T>(what: () => Promise<T> | T): Promise<T> {
  try {
    return await what();
  } catch (err) {
    // An unreachable remote (or database-like outage) is not the user's input: it keeps its kind.
    if (kindOf(err) === 'transient') throw err;
    throw new TaskInputError((err as Error).message);
  }
}

/**
 * The submission's repository and base branch, checked with git: a local clone's, or a remote's
 * (reached with `git ls-remote` under the same credentials as the workers: a clear error when it
 * cannot be reached or refuses them).
 */
export function resolveSubmittedRepo(
  config: SwarmConfig,
  repo: string,
  baseBranch: string | undefined,
  env: Record<string, string | undefined> = process.env,
) {
  return rejectAsInput(() =>
    resolveRepoTarget(repo, baseBranch, () => remoteAccess(config.git.mirrorsDir, env, gitToken(config, env))),
  );
}

/**
 * Everything about a submitted task that can be wrong, checked with nothing but the configuration
 * and git: the spec (schema), the repo, its base branch and the model routing. The CLI runs it
 * before it connects to the database or Temporal, so bad input never waits on either.
 */
export async function validateTaskSubmission(
  config: SwarmConfig,
  input: unknown,
  env: Record<string, string | undefined> = process.env,
): Promise<ValidTaskSubmission> {
  const parsed = taskSpecSchema.safeParse(input);
  if (!parsed.success) throw new TaskInputError(`invalid task: ${formatZodError(parsed.error)}`);
  const spec = parsed.data;
  const { repo, baseBranch } = await resolveSubmittedRepo(config, spec.repo, spec.baseBranch, env);
  const modelType = await rejectAsInput(() => routeTask(config.models, config.defaultModel, spec.model, spec.skills));
  return { spec, repo, baseBranch, modelType };
}
