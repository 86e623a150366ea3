import type { DataBranchDetails } from '../data-branches/data-branches.js';
import type { MergeReport } from '../data-branches/merge.js';
import type { DataBranchRecord } from '../data-branches/registry.js';

const where = (b: DataBranchRecord) =>
  b.location.path ?? b.location.namespace ?? (b.location.hostname ? `libsql://${b.location.hostname}` : '');

export function formatBranchList(branches: DataBranchRecord[]): string {
  if (branches.length === 0) return 'no data branches (make one with "swarm db branch create <name>")';
  return branches
    .map(
      (b) =>
        `${b.name}  from ${b.parent}  ${b.backend}  created ${b.createdAt}${b.mergedAt ? `  merged into ${b.mergedInto} ${b.mergedAt}` : ''}`,
    )
    .join('\n');
}

export function formatBranch(b: DataBranchDetails): string {
  return [
    `data branch ${b.name}`,
    `  from:      ${b.parent} at ${b.createdAt}`,
    `  backend:   ${b.backend} (${where(b)})`,
    `  holds:     ${b.counts.tasks} tasks, ${b.counts.memories} memories`,
    `  its tasks: ${b.counts.routedTasks} (${b.counts.unfinishedTasks} unfinished)`,
    `  merged:    ${b.mergedAt ? `into ${b.mergedInto} at ${b.mergedAt}` : 'never'}`,
  ].join('\n');
}

export function formatMergeReport(r: MergeReport): string {
  if (r.unchanged) return `merged ${r.source} into ${r.target}: nothing new (already merged)`;
  const tables = Object.entries(r.tables)
    .filter(([, c]) => c.inserted + c.updated > 0)
    .map(([table, c]) => `  ${table}: ${c.inserted} added, ${c.updated} updated`);
  const m = r.memories;
  return [
    `merged ${r.source} into ${r.target}`,
    ...tables,
    `  memories: ${m.inserted} added, ${m.folded} folded into near-duplicates, ${m.updated} updated`,
  ].join('\n');
}
