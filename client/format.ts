import type { AgentRecord } from '../db/agents-repository.js';
import { QUEUE_ROUND_BASE } from '../tasks/merge-queue.js';
import type { UsageTotals } from '../db/model-calls-repository.js';
import type { Memory, MemoryHit } from '../memory/index.js';
import type { Task } from '../tasks/task.js';
import type { SwarmClient } from './swarm-client.js';
import { describeProgress } from './live-progress.js';
import { safeForTerminal } from './terminal-text.js';

export type ShownTask = NonNullable<Awaited<ReturnType<SwarmClient['showTask']>>>;

/** Stored text as one harmless line (a title may hold escape sequences written before they were refused). */
const s = (value: unknown) => safeForTerminal(String(value ?? ''));

function table(cells: string[][]): string {
  if (cells.length === 0) return '';
  const rows = cells.map((r) => r.map(s));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

const ago = (iso: string) => {
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
};

/** `waitingFor`: the unfinished dependencies of each blocked task. */
export function formatTaskList(tasks: Task[], waitingFor: Map<string, string[]> = new Map()): string {
  if (tasks.length === 0) return 'no tasks yet (create one with "swarm task create")';
  return table([
    ['ID', 'STATUS', 'PRIORITY', 'MODEL', 'ATTEMPT', 'CREATED', 'TITLE'],
    ...tasks.map((t) => [
      t.id,
      waitingFor.get(t.id)?.length ? `${t.status} on ${waitingFor.get(t.id)!.join(',')}` : t.status,
      t.priority,
      t.modelType,
      `${t.currentAttempt}/${t.maxAttempts}`,
      ago(t.createdAt),
      t.title,
    ]),
  ]);
}

const formatUsage = (u: UsageTotals) =>
  `${u.calls} call(s), ${u.inputTokens} in / ${u.outputTokens} out tokens, $${u.costUsd.toFixed(4)}`;

export function formatTask({
  task,
  attempts,
  checks,
  gates,
  result,
  usage,
  live,
  retrying,
  progress,
  build,
  webUrl,
  dependencies,
}: ShownTask): string {
  const lines = [
    `Task ${s(task.id)}: ${s(task.title)}`,
    `  status      ${s(task.status)}${live ? ` (workflow: ${s(live.status)}, attempt ${live.attempt}/${live.maxAttempts})` : ''}`,
    `  priority    ${s(task.priority)}    model ${s(task.modelType)}    skills ${s(task.skills.join(', ') || '-')}`,
    `  repo        ${s(task.repo)} (${s(task.branch)} → ${s(task.baseBranch)})`,
    `  web ui      ${s(webUrl)}`,
  ];
  if (build)
    lines.push(
      `  build       ${s(build.buildId)} of ${s(build.deploymentName)}${build.behavior ? ` (${build.behavior})` : ''}`,
    );
  const limits = [
    task.budget.maxTokens !== null ? `${task.budget.maxTokens} tokens` : null,
    task.budget.maxCostUsd !== null ? `$${task.budget.maxCostUsd}` : null,
  ].filter(Boolean);
  lines.push(`  usage       ${formatUsage(usage)}${limits.length ? ` (budget ${limits.join(', ')})` : ''}`);
  if (dependencies.length > 0) {
    const waiting = dependencies.filter((d) => d.status !== 'succeeded').map((d) => d.id);
    lines.push(
      `  depends on  ${dependencies.map((d) => `${s(d.id)} (${s(d.status)})`).join(', ')}${task.status === 'blocked' && waiting.length ? `; waiting for ${s(waiting.join(', '))}` : ''}`,
    );
  }
  if (task.failureReason) lines.push(`  failure     ${s(task.failureReason)}`);
  for (const r of retrying) {
    lines.push(
      `  waiting     ${s(r.waitingFor)}: ${s(r.step)}, try ${r.attempt} (last failure: ${s(r.lastFailure.split('\n')[0] ?? '')})`,
    );
  }
  for (const a of attempts) {
    // A running attempt has no summary yet: what its steps last reported stands in for it.
    const now = progress.filter((p) => p.attempt === undefined || p.attempt === a.attempt).map(describeProgress);
    const running = a.attempt === live?.attempt && now.length > 0 ? now.join('; ') : null;
    const about = a.summary || running;
    lines.push(
      `  attempt ${a.attempt}: ${s(a.status)}${a.commitSha ? ` @ ${s(a.commitSha.slice(0, 10))}` : ''}${about ? ` — ${s(about)}` : ''}`,
    );
    if (a.summary && running) lines.push(`    now: ${s(running)}`);
    for (const c of checks.filter((c) => c.attempt === a.attempt)) {
      const round =
        c.round >= QUEUE_ROUND_BASE
          ? ' (merge queue, on the combined commit)'
          : c.round > 1
            ? ` (re-check ${c.round - 1})`
            : '';
      lines.push(
        `    ${c.passed ? 'pass' : 'FAIL'} ${s(c.name)}${round}: \`${s(c.command)}\` exit ${c.exitCode ?? (c.timedOut ? 'timeout' : 'killed')} in ${c.durationMs} ms`,
      );
    }
    for (const g of gates.filter((g) => g.attempt === a.attempt && g.summary)) {
      const round = g.round !== null && g.round > 1 ? ` (re-check ${g.round - 1})` : '';
      lines.push(`    gate${round}: ${s(g.summary)}`);
      for (const cause of g.causes) lines.push(`      ${s(cause)}`);
      for (const note of g.notes) lines.push(`      note: ${s(note)}`);
    }
  }
  if (result) {
    lines.push(
      `  result      ${s(result.status)} after ${result.attempts} attempt(s)${result.mergeCommit ? `, merge commit ${s(result.mergeCommit.slice(0, 10))}` : ''}`,
    );
    lines.push(`              ${s(result.summary)}`);
  }
  return lines.join('\n');
}

export function formatAgents(agents: AgentRecord[]): string {
  if (agents.length === 0)
    return 'no workers registered (start some with "swarm start" or "swarm worker --model <type>")';
  return table([
    ['ID', 'MODEL', 'STATUS', 'HOST', 'PID', 'LAST SEEN', 'TASK', 'DONE', 'FAILED'],
    ...agents.map((a) => [
      a.id,
      a.modelType,
      a.status,
      a.host,
      String(a.pid),
      ago(a.lastSeenAt),
      a.currentTaskId ?? '-',
      String(a.completed),
      String(a.failed),
    ]),
  ]);
}

export function formatStatus(status: {
  tasks: Record<string, number>;
  agents: AgentRecord[];
  usageByModel: Record<string, UsageTotals>;
  temporal: { address: string; uiUrl: string };
}): string {
  const byModel = new Map<string, number>();
  for (const a of status.agents) byModel.set(a.modelType, (byModel.get(a.modelType) ?? 0) + 1);
  const tasks =
    Object.entries(status.tasks)
      .map(([name, n]) => `${s(name)} ${n}`)
      .join(', ') || 'none';
  const workers = [...byModel].map(([m, n]) => `${s(m)} ${n}`).join(', ') || 'none online';
  const usage = Object.entries(status.usageByModel).map(([m, u]) => `          ${s(m)}: ${formatUsage(u)}`);
  return [
    `tasks     ${tasks}`,
    `workers   ${workers}`,
    `usage     ${usage.length ? '' : 'no model calls yet'}`,
    ...usage,
    `temporal  ${s(status.temporal.address)}  (Web UI ${s(status.temporal.uiUrl)})`,
  ].join('\n');
}

const oneLine = (text: string, max = 160) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
};

export function formatMemoryHits(hits: MemoryHit[]): string {
  if (hits.length === 0) return 'no memories match';
  return table([
    ['SIMILARITY', 'TYPE', 'BRANCH', 'ID', 'CONTENT'],
    ...hits.map((h) => [
      h.similarity.toFixed(3),
      h.memory.type,
      h.memory.branch ?? '*',
      h.memory.id.slice(0, 8),
      oneLine(h.memory.content),
    ]),
  ]);
}

export function formatMemories(memories: Memory[]): string {
  if (memories.length === 0) return 'no memories yet (tasks leave them when they finish; or "swarm memory add")';
  return table([
    ['CREATED', 'TYPE', 'IMPORTANCE', 'BRANCH', 'ID', 'CONTENT'],
    ...memories.map((m) => [
      ago(m.createdAt),
      m.type,
      m.importance.toFixed(2),
      m.branch ?? '*',
      m.id.slice(0, 8),
      oneLine(m.content),
    ]),
  ]);
}
