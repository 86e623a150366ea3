import type { ModelConfig } from '../config/config.js';

export class RoutingError extends Error {
  override name = 'RoutingError';
}

const missingSkills = (model: ModelConfig, required: string[]) => required.filter((s) => !model.skills.includes(s));

/**
 * The model type a task runs on: the one it names, or else the default when its skills suffice,
 * or else the first configured type whose skills cover all of the task's required skills.
 */
export function routeTask(models: Record<string, ModelConfig>, defaultModel: string, requested: string | undefined, skills: string[]): string {
  if (requested !== undefined) {
    const model = models[requested];
    if (!model) throw new RoutingError(`model "${requested}" is not configured (configured: ${Object.keys(models).join(', ')})`);
    const missing = missingSkills(model, skills);
    if (missing.length > 0) throw new RoutingError(`model "${requested}" lacks the required skill(s): ${missing.join(', ')}`);
    return requested;
  }
  const candidates = [defaultModel, ...Object.keys(models).filter((m) => m !== defaultModel)];
  const chosen = candidates.find((name) => models[name] && missingSkills(models[name], skills).length === 0);
  if (!chosen) throw new RoutingError(`no configured model type has all the required skills: ${skills.join(', ')}`);
  return chosen;
}
