import type { ModeReport, PhaseReport } from './mode-run.js';
import { percentile, type TaskVerdict } from './measure.js';

/** Recovery target after a worker kill: the activities' heartbeat timeout (10 s) plus 5 s. */
export const RECOVERY_TARGET_MS = 15_000;

const PHASE_TITLE: Record<PhaseReport['kind'], string> = {
  'worker-kill': 'worker SIGKILLs',
  'temporal-restart': 'Temporal SIGKILL + restart',
  'sqld-stop': 'sqld SIGSTOP/SIGCONT',
  'sqld-kill': 'sqld SIGKILL + restart',
};

const secs = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);

function recoveryCell(phase: PhaseReport): string {
  const seen = phase.recoveries.map((r) => r.ms).filter((ms): ms is number => ms !== undefined);
  const unseen = phase.recoveries.length - seen.length;
  if (phase.recoveries.length === 0) return '–';
  const cell = `${secs(percentile(seen, 50))} / ${secs(seen.length ? Math.max(...seen) : undefined)} (n=${phase.recoveries.length})`;
  return unseen > 0 ? `${cell}, ${unseen} none` : cell;
}

interface Counts {
  tasks: number;
  succeeded: number;
  failed: number;
  stuck: number;
  lost: number;
  duplicates: number;
  doubleMerges: number;
  repeatedLines: number;
  repeatedCheckpoints: number;
  missingLines: number;
  retriedTurns: number;
}

function count(verdicts: TaskVerdict[]): Counts {
  const c: Counts = {
    tasks: verdicts.length,
    succeeded: 0,
    failed: 0,
    stuck: 0,
    lost: 0,
    duplicates: 0,
    doubleMerges: 0,
    repeatedLines: 0,
    repeatedCheckpoints: 0,
    missingLines: 0,
    retriedTurns: 0,
  };
  for (const v of verdicts) {
    c[v.outcome]++;
    // A duplicate is a second results row, or tasks and results that disagree.
    if (v.resultRows > 1 || v.problems.some((p) => /^task status|^result /.test(p))) c.duplicates++;
    if (v.mergeCommits > 1) c.doubleMerges++;
    c.repeatedLines += v.repeatedStepLines;
    c.repeatedCheckpoints += v.repeatedCheckpoints.length;
    c.missingLines += v.missingStepLines;
    c.retriedTurns += v.retriedTurns;
  }
  return c;
}

const HEADER = [
  'phase',
  'faults injected',
  'tasks',
  'succeeded',
  'failed',
  'stuck',
  'lost',
  'duplicate or inconsistent results',
  'double merges',
  'repeated steps (lines / checkpoints)',
  'orphans',
  'leftover worktrees',
  'recovery p50 / max',
];

/** One markdown table per mode: a row per fault phase (tasks submitted in it) and a total row. */
export function modeTable(report: ModeReport): string {
  const rows: string[][] = [];
  const byId = new Map(report.verdicts.map((v) => [v.task.id, v]));
  const orphanTags = (phase: PhaseReport) => {
    const tags = new Set(phase.taskIds.map((id) => byId.get(id)?.task.tag));
    return report.orphans.filter((o) => [...tags].some((t) => t && o.label.startsWith(`${t}-step-`))).length;
  };
  const worktreesOf = (phase: PhaseReport) =>
    report.worktrees.filter((w) => phase.taskIds.some((id) => w.endsWith(`/${id}`))).length;
  for (const phase of report.phases) {
    if (phase.notApplicable) {
      rows.push([
        PHASE_TITLE[phase.kind],
        `n/a: ${phase.notApplicable}`,
        '–',
        '–',
        '–',
        '–',
        '–',
        '–',
        '–',
        '–',
        '–',
        '–',
        '–',
      ]);
      continue;
    }
    const c = count(phase.taskIds.map((id) => byId.get(id)!).filter(Boolean));
    const timeouts = phase.heartbeatTimeouts?.length ? `; ${phase.heartbeatTimeouts.length} heartbeat timeout(s)` : '';
    rows.push([
      PHASE_TITLE[phase.kind],
      phase.fault + timeouts,
      String(c.tasks),
      String(c.succeeded),
      String(c.failed),
      String(c.stuck),
      String(c.lost),
      String(c.duplicates),
      String(c.doubleMerges),
      `${c.repeatedLines} / ${c.repeatedCheckpoints}`,
      String(orphanTags(phase)),
      String(worktreesOf(phase)),
      recoveryCell(phase),
    ]);
  }
  const t = count(report.verdicts);
  rows.push([
    '**all**',
    `${report.kills} worker kills, ${report.workerSpawns} worker spawns`,
    String(t.tasks),
    String(t.succeeded),
    String(t.failed),
    String(t.stuck),
    String(t.lost),
    String(t.duplicates),
    String(t.doubleMerges),
    `${t.repeatedLines} / ${t.repeatedCheckpoints}`,
    String(report.orphans.length),
    String(report.worktrees.length),
    '',
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(HEADER), line(HEADER.map((_, i) => (i >= 2 && i <= 11 ? '--:' : '---'))), ...rows.map(line)].join('\n');
}

/** Why the suite fails for this mode; empty when everything survived. */
export function failures(report: ModeReport): string[] {
  const out: string[] = [];
  for (const v of report.verdicts) {
    for (const p of v.problems) out.push(`${report.mode} ${v.task.tag} (${v.task.id}, ${v.task.phase}): ${p}`);
  }
  for (const o of report.orphans) {
    const kill = report.killLog.filter((k) => k.at >= o.startedAt - 20).sort((a, b) => a.at - b.at)[0];
    const when = kill
      ? `; it started ${((kill.at - o.startedAt) / 1000).toFixed(2)} s before the SIGKILL of worker pid ${kill.pid}`
      : '';
    out.push(
      `${report.mode} orphan pid ${o.pid} (group ${o.pgid}, left by ${o.label}, found by ${o.via}${when}): ${o.cmdline}`,
    );
  }
  return out;
}

export function recoverySummary(report: ModeReport): string {
  const kill = report.phases.find((p) => p.kind === 'worker-kill');
  const seen = (kill?.recoveries ?? []).map((r) => r.ms).filter((ms): ms is number => ms !== undefined);
  const p50 = percentile(seen, 50);
  if (p50 === undefined)
    return `${report.mode}: no activity was running on a killed worker, so no recovery was measured`;
  const verdict = p50 <= RECOVERY_TARGET_MS ? 'met' : 'MISSED';
  const detected = (kill?.recoveries ?? []).map((r) => r.detectedMs).filter((ms): ms is number => ms !== undefined);
  const detection =
    detected.length > 0
      ? `; the dead try was timed out after p50 ${secs(percentile(detected, 50))}, max ${secs(Math.max(...detected))} (the rest: retry backoff and waiting for a free worker slot)`
      : '';
  return `${report.mode}: recovery after a worker kill (kill → retry started on another worker) p50 ${secs(p50)}, max ${secs(Math.max(...seen))} over ${seen.length} interrupted activities; target ≤ 10 s heartbeat timeout + 5 s: ${verdict}${detection}`;
}

export function extraCounts(report: ModeReport): string {
  const t = count(report.verdicts);
  return `${report.mode}: ${t.retriedTurns} agent turn(s) retried (model called again), ${t.missingLines} step line(s) missing, ${report.unexpectedWorkerExits} worker(s) exited by themselves, run took ${secs(report.durationMs)}`;
}
