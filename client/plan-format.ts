import type { Plan } from '../db/plans-repository.js';
import type { Task } from '../tasks/task.js';
import { depths } from '../tasks/task-graph.js';
import type { PlanProgress } from '../workflows/plan-types.js';
import { safeForTerminal } from './terminal-text.js';

const s = (value: unknown) => safeForTerminal(String(value ?? ''));

type PlanTask = Task & { dependsOn: string[] };

/** The plan as a dependency tree: each task indented one level deeper than its deepest dependency. */
export function formatPlan({
  plan,
  tasks,
  progress,
}: {
  plan: Plan;
  tasks: PlanTask[];
  progress: PlanProgress | null;
}) {
  const keyOf = new Map(tasks.map((t) => [t.id, t.planKey ?? t.id]));
  const depth = depths(tasks.map((t) => ({ id: t.id, dependsOn: t.dependsOn })));
  const ordered = [...tasks].sort((a, b) => depth.get(a.id)! - depth.get(b.id)!);
  const width = Math.max(...tasks.map((t) => (t.planKey ?? '').length + 2 * depth.get(t.id)!));
  const lines = [
    `Plan ${s(plan.id)}: ${s(plan.status)}${plan.failureReason ? ` (${s(plan.failureReason)})` : ''}`,
    `  repo        ${s(plan.repo)} (${s(plan.baseBranch)}), up to ${plan.parallel} at once, on failure: ${plan.failurePolicy}`,
    `  goal        ${s(plan.goal.split('\n')[0])}`,
  ];
  if (progress) {
    const c = progress.counts;
    lines.push(
      `  progress    ${c.succeeded} succeeded, ${c.running} running, ${c.waiting} waiting, ${c.failed} failed, ${c.cancelled} cancelled`,
    );
  }
  lines.push('  tasks');
  for (const t of ordered) {
    const key = `${'  '.repeat(depth.get(t.id)!)}${t.planKey ?? ''}`;
    const after = t.dependsOn.length ? `  after ${t.dependsOn.map((d) => keyOf.get(d)).join(', ')}` : '';
    lines.push(
      `    ${s(key).padEnd(width)}  ${s(t.status).padEnd(13)} ${s(t.priority).padEnd(8)} ${s(t.id)}  ${s(t.title)}${s(after)}`,
    );
  }
  if (plan.status === 'awaiting_approval') lines.push(`  approve with: swarm plan approve ${s(plan.id)}`);
  return lines.join('\n');
}

export function formatPlanList(plans: Plan[]): string {
  if (plans.length === 0) return 'no plans yet (create one with "swarm plan create")';
  const rows = [
    ['ID', 'STATUS', 'PARALLEL', 'CREATED', 'GOAL'],
    ...plans.map((p) => [p.id, p.status, String(p.parallel), p.createdAt, p.goal.split('\n')[0]!.slice(0, 80)]),
  ].map((r) => r.map(s));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
