import type { ModelConfig } from '../config/config.js';
import { LOOP_ADAPTERS } from '../config/model-config.js';
import type { ModelPlan, TaskWorkflowInput } from '../workflows/task-workflow.js';
import { SwarmError } from '../errors/swarm-error.js';

export class RoutingError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'RoutingError';
}

const missingSkills = (model: ModelConfig, required: string[]) => required.filter((s) => !model.skills.includes(s));

/**
 * The model type a task runs on: the one it names, or else the default when its skills suffice,
 * or else the first configured type whose skills cover all of the task's required skills.
 */
export function routeTask(
  models: Record<string, ModelConfig>,
  defaultModel: string,
  requested: string | undefined,
  skills: string[],
): string {
  if (requested !== undefined) {
    const model = Object.hasOwn(models, requested) ? models[requested] : undefined;
    if (!model)
      throw new RoutingError(`model "${requested}" is not configured (configured: ${Object.keys(models).join(', ')})`);
    const missing = missingSkills(model, skills);
    if (missing.length > 0)
      throw new RoutingError(`model "${requested}" lacks the required skill(s): ${missing.join(', ')}`);
    return requested;
  }
  const candidates = [defaultModel, ...Object.keys(models).filter((m) => m !== defaultModel)];
  const chosen = candidates.find(
    (name) => Object.hasOwn(models, name) && missingSkills(models[name]!, skills).length === 0,
  );
  if (!chosen) throw new RoutingError(`no configured model type has all the required skills: ${skills.join(', ')}`);
  return chosen;
}

/** How the workflow runs attempts on a model type: the agent loop for API and local models, one run for CLIs. */
export function modelPlan(models: Record<string, ModelConfig>, modelType: string): ModelPlan {
  const model = models[modelType]!;
  return {
    modelType,
    mode: (LOOP_ADAPTERS as readonly string[]).includes(model.adapter) ? 'loop' : 'single',
    maxTurns: model.maxTurns,
  };
}

export function fallbackPlan(models: Record<string, ModelConfig>, modelType: string): TaskWorkflowInput['fallback'] {
  const fallback = models[modelType]?.fallback;
  return fallback ? { ...modelPlan(models, fallback.model), afterFailedAttempts: fallback.afterFailedAttempts } : null;
}
