/**
 * How each table merges from a data branch into its target. Rows are matched by primary key; a row
 * the target lacks is always copied. A row both sides hold (made before the fork, or brought by an
 * earlier merge) follows its table's rule:
 * - `newer-wins`: the side whose `updated_at` is later keeps its version; equal times change nothing.
 *   A task runs on one database only, so the side that ran it has the later row.
 * - `follows-task`: a task's own rows go with its task row: when the branch's task row won (or the
 *   target lacked the task), the branch's rows replace the target's; otherwise the target's stay.
 * - `immutable`: written once and never changed; the target's row stays.
 * Memories merge apart (memory-merge.ts): de-duplicated as a new memory is.
 * Not merged: `agents` (the workers' registry, kept in the main data), `schema_migrations`, and the
 * data-branch bookkeeping (`data_branches`, `data_branch_tasks`, `merged_memories`).
 */
export interface TableRule {
  table: string;
  key: string[];
  rule: 'newer-wins' | 'follows-task' | 'immutable';
}

/** In dependency order: a row's parents (its task, its snapshot) are merged before it. */
export const MERGED_TABLES: TableRule[] = [
  { table: 'tasks', key: ['id'], rule: 'newer-wins' },
  { table: 'attempts', key: ['task_id', 'attempt'], rule: 'follows-task' },
  { table: 'check_runs', key: ['task_id', 'attempt', 'round', 'name'], rule: 'follows-task' },
  { table: 'agent_turns', key: ['task_id', 'attempt', 'turn'], rule: 'follows-task' },
  { table: 'model_calls', key: ['task_id', 'attempt', 'turn', 'try'], rule: 'follows-task' },
  { table: 'artifacts', key: ['id'], rule: 'follows-task' },
  { table: 'results', key: ['task_id'], rule: 'follows-task' },
  { table: 'quality_snapshots', key: ['id'], rule: 'immutable' },
  { table: 'quality_baselines', key: ['repo', 'branch'], rule: 'newer-wins' },
  { table: 'branches', key: ['repo', 'name'], rule: 'newer-wins' },
];
