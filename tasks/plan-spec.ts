import { z } from 'zod';
import { PRIORITIES } from './task.js';
import { findCycle } from './task-graph.js';
import { MAX_DESCRIPTION_CHARS } from './task-spec.js';
import { multiLineText, oneLineText } from './text-rules.js';

export const MAX_PLAN_TASKS = 200;

const planKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'task keys are short lowercase words like "api" or "db-schema"');
const skill = z
  .string()
  .regex(/^[a-z0-9][a-z0-9+#.-]{0,39}$/, 'skills are short lowercase words like "typescript" or "react"');

/** One task a planner proposes; `dependsOn` names other tasks of the plan by key. */
export const plannedTaskSchema = z
  .object({
    key: planKey,
    title: oneLineText('title', 200),
    description: multiLineText('description', MAX_DESCRIPTION_CHARS),
    skills: z.array(skill).max(20).default([]),
    priority: z.enum(PRIORITIES).default('medium'),
    acceptanceCriteria: z.array(oneLineText('an acceptance criterion', 1_000)).max(50).default([]),
    dependsOn: z.array(planKey).max(50).default([]),
  })
  .strict();
export type PlannedTask = z.output<typeof plannedTaskSchema>;

export const planProposalSchema = z
  .object({
    tasks: z
      .array(plannedTaskSchema)
      .min(1, 'a plan needs at least one task')
      .max(MAX_PLAN_TASKS, `a plan is limited to ${MAX_PLAN_TASKS} tasks`),
  })
  .strict();
export type PlanProposal = z.output<typeof planProposalSchema>;

/** The graph's problems (duplicate keys, unknown or self dependencies, a cycle), or null. */
export function planGraphProblem(tasks: readonly PlannedTask[]): string | null {
  const keys = new Set<string>();
  for (const task of tasks) {
    if (keys.has(task.key)) return `two tasks have the key "${task.key}"`;
    keys.add(task.key);
  }
  for (const task of tasks) {
    const unknown = task.dependsOn.filter((k) => !keys.has(k));
    if (unknown.length > 0) return `task "${task.key}" depends on unknown task(s): ${unknown.join(', ')}`;
  }
  const cycle = findCycle(tasks.map((t) => ({ id: t.key, dependsOn: t.dependsOn })));
  return cycle ? `the dependencies form a cycle: ${cycle.join(' → ')}` : null;
}

export type PlanParse = { ok: true; plan: PlanProposal } | { ok: false; problem: string };

/** Reads a planner's answer: one JSON object (bare or in a fenced block), checked by schema and graph. */
export function parsePlanProposal(text: string): PlanParse {
  const fenced = /```(?:json|plan)?[ \t]*\n([\s\S]*?)^```/m.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, problem: `the plan is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = planProposalSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      problem: `the plan is invalid: ${parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`,
    };
  const problem = planGraphProblem(parsed.data.tasks);
  return problem ? { ok: false, problem: `the plan is invalid: ${problem}` } : { ok: true, plan: parsed.data };
}
