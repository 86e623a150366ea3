import { readFileSync } from 'node:fs';
import { SwarmError } from '../errors/swarm-error.js';
import type { ChatModel } from '../models/chat-model.js';
import type { ChatMessage } from '../models/messages.js';
import { parsePlanProposal, type PlanProposal } from '../tasks/plan-spec.js';

const SYSTEM = readFileSync(new URL('./prompts/planner.md', import.meta.url), 'utf8');

/** How often a planner may answer with a malformed plan before planning fails. */
export const DEFAULT_PLANNER_TRIES = 3;

/** The planner's answers stayed malformed: the message names the last problem. */
export class PlanProposalError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'PlanProposalError';
}

export interface PlannerRun {
  plan: PlanProposal;
  /** Model calls made, the last of them valid. */
  tries: number;
}

/**
 * Asks the model for a plan of tasks for `goal`. A malformed answer (not JSON, schema, unknown
 * dependency, cycle) goes back to the model with the problem stated, up to `maxTries` answers.
 */
export async function proposePlan(
  model: ChatModel,
  goal: string,
  maxTries = DEFAULT_PLANNER_TRIES,
): Promise<PlannerRun> {
  const messages: ChatMessage[] = [{ role: 'user', text: `## Goal\n\n${goal}` }];
  let problem = 'no answer';
  for (let tries = 1; tries <= maxTries; tries++) {
    const response = await model.step({ system: SYSTEM, messages, tools: [] });
    const parsed = parsePlanProposal(response.text);
    if (parsed.ok) return { plan: parsed.plan, tries };
    problem = parsed.problem;
    messages.push(
      { role: 'assistant', text: response.text, toolCalls: [] },
      { role: 'user', text: `That plan cannot be used: ${problem}. Answer again with the corrected JSON plan only.` },
    );
  }
  throw new PlanProposalError(`the planner gave no valid plan in ${maxTries} tries; last problem: ${problem}`);
}
