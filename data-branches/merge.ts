import type { InStatement, InValue, Row, Transaction } from '@libsql/client';
import type { Db } from '../db/client.js';
import { DataBranchInputError, DataBranchMergeConflictError } from './errors.js';
import { mergeMemories, type MemoryMergeCounts } from './memory-merge.js';
import { MERGED_TABLES, type TableRule } from './merge-rules.js';

export interface TableMergeCounts {
  inserted: number;
  updated: number;
}

export interface MergeReport {
  source: string;
  target: string;
  tables: Record<string, TableMergeCounts>;
  memories: MemoryMergeCounts;
  /** The tasks whose records the target now holds as the branch has them. */
  tasks: string[];
  /** True when the merge changed nothing in the target (e.g. it was already merged). */
  unchanged: boolean;
}

const keyOf = (row: Row, columns: string[]) => JSON.stringify(columns.map((c) => row[c] ?? null));
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
const sameRow = (a: Row, b: Row, columns: string[]) => columns.every((c) => (a[c] ?? null) === (b[c] ?? null));

async function rowsByKey(
  db: Db | Transaction,
  rule: TableRule,
): Promise<{ columns: string[]; rows: Map<string, Row> }> {
  const rs = await db.execute(`SELECT * FROM ${quoted(rule.table)}`);
  return { columns: rs.columns, rows: new Map(rs.rows.map((row) => [keyOf(row, rule.key), row])) };
}

async function schemaVersion(db: Db | Transaction): Promise<number> {
  const rs = await db.execute('SELECT max(version) AS v FROM schema_migrations');
  return Number(rs.rows[0]?.v ?? 0);
}

/** SQLite reports every broken constraint (CHECK, UNIQUE, NOT NULL, FOREIGN KEY, a trigger's ABORT) so. */
const isConstraintError = (err: unknown) =>
  /constraint/i.test(`${(err as { code?: string }).code ?? ''} ${(err as Error).message}`);

/**
 * Copies what a data branch holds into its target, table by table (merge-rules.ts), in one write
 * transaction on the target: all of it lands or none of it does. Idempotent: every rule compares
 * rows first and writes only differences, so merging again finds nothing to do. A row that breaks a
 * target constraint stops the merge with a DataBranchMergeConflictError naming table and key.
 */
export async function mergeDatabases(
  source: Db,
  target: Db,
  names: { source: string; target: string },
): Promise<MergeReport> {
  const [sourceVersion, targetVersion] = await Promise.all([schemaVersion(source), schemaVersion(target)]);
  if (sourceVersion !== targetVersion)
    throw new DataBranchInputError(
      `${names.source} is at schema version ${sourceVersion} and ${names.target} at ${targetVersion}; open both with this version of the swarm first`,
    );
  const sourceTables = new Map<string, { columns: string[]; rows: Map<string, Row> }>();
  for (const rule of MERGED_TABLES) sourceTables.set(rule.table, await rowsByKey(source, rule));

  const tx = await target.transaction('write');
  let where = '';
  const conflictOr = (err: unknown) =>
    isConstraintError(err)
      ? new DataBranchMergeConflictError(
          `merging ${names.source} into ${names.target} stopped at ${where}: ${(err as Error).message}; nothing was merged`,
          { cause: err },
        )
      : err;
  const write = async (stmt: InStatement) => {
    await tx.execute(stmt).catch((err: unknown) => {
      throw conflictOr(err);
    });
  };
  const batch = (stmts: InStatement[]) =>
    tx.batch(stmts).catch((err: unknown) => {
      throw conflictOr(err);
    });
  try {
    const tables: Record<string, TableMergeCounts> = {};
    const wonTasks = new Set<string>();
    for (const rule of MERGED_TABLES) {
      const { columns, rows } = sourceTables.get(rule.table)!;
      const existing = (await rowsByKey(tx, rule)).rows;
      const counts: TableMergeCounts = { inserted: 0, updated: 0 };
      const columnList = columns.map(quoted).join(', ');
      const values = columns.map(() => '?').join(', ');
      const updates = columns
        .filter((c) => !rule.key.includes(c))
        .map((c) => `${quoted(c)} = excluded.${quoted(c)}`)
        .join(', ');
      for (const [key, row] of rows) {
        const there = existing.get(key);
        const taskId = rule.table === 'tasks' ? String(row.id) : row.task_id == null ? null : String(row.task_id);
        let replace = false;
        if (there) {
          if (sameRow(row, there, columns)) continue;
          if (rule.rule === 'newer-wins') replace = String(row.updated_at) > String(there.updated_at);
          else if (rule.rule === 'follows-task') replace = taskId !== null && wonTasks.has(taskId);
          if (!replace) continue;
        }
        if (rule.table === 'tasks') wonTasks.add(String(row.id));
        where = `${rule.table} ${key}`;
        const args = columns.map((c) => (row[c] ?? null) as InValue);
        await write(
          there
            ? {
                sql: `INSERT INTO ${quoted(rule.table)} (${columnList}) VALUES (${values}) ON CONFLICT (${rule.key.map(quoted).join(', ')}) DO UPDATE SET ${updates}`,
                args,
              }
            : { sql: `INSERT INTO ${quoted(rule.table)} (${columnList}) VALUES (${values})`, args },
        );
        if (there) counts.updated++;
        else counts.inserted++;
      }
      tables[rule.table] = counts;
    }
    const memories = await mergeMemories(source, tx, names.source, (label) => (where = label), write, batch);
    await tx.commit();
    const unchanged =
      Object.values(tables).every((c) => c.inserted + c.updated === 0) &&
      memories.inserted + memories.folded + memories.updated === 0;
    return { source: names.source, target: names.target, tables, memories, tasks: [...wonTasks], unchanged };
  } catch (err) {
    await tx.rollback().catch(() => undefined);
    throw err;
  } finally {
    tx.close();
  }
}
