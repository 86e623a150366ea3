import type { Row } from '@libsql/client';
import type { Db } from '../db/client.js';
import { now, optStr, str } from '../db/rows.js';
import type { BranchLocation } from './backend.js';

export interface DataBranchRecord {
  name: string;
  /** The branch it was made from (`main` or another data branch). */
  parent: string;
  backend: 'file' | 'sqld' | 'turso';
  location: BranchLocation;
  /** When it was made: its data is the parent's as of this moment. */
  createdAt: string;
  mergedInto: string | null;
  mergedAt: string | null;
}

const toRecord = (row: Row): DataBranchRecord => ({
  name: str(row, 'name'),
  parent: str(row, 'parent'),
  backend: str(row, 'backend') as DataBranchRecord['backend'],
  location: JSON.parse(str(row, 'location')) as BranchLocation,
  createdAt: str(row, 'created_at'),
  mergedInto: optStr(row, 'merged_into'),
  mergedAt: optStr(row, 'merged_at'),
});

/** The data branches and the tasks routed to them; both tables live in the main database. */
export function dataBranchRegistry(db: Db) {
  return {
    /** Claims the name; false when a branch of that name exists. */
    async insert(record: Omit<DataBranchRecord, 'createdAt' | 'mergedInto' | 'mergedAt'>): Promise<boolean> {
      const rs = await db.execute({
        sql: `INSERT INTO data_branches (name, parent, backend, location, created_at) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT (name) DO NOTHING`,
        args: [record.name, record.parent, record.backend, JSON.stringify(record.location), now()],
      });
      return rs.rowsAffected === 1;
    },
    async setLocation(name: string, location: BranchLocation): Promise<void> {
      await db.execute({
        sql: 'UPDATE data_branches SET location = ? WHERE name = ?',
        args: [JSON.stringify(location), name],
      });
    },
    async get(name: string): Promise<DataBranchRecord | undefined> {
      const rs = await db.execute({ sql: 'SELECT * FROM data_branches WHERE name = ?', args: [name] });
      return rs.rows[0] ? toRecord(rs.rows[0]) : undefined;
    },
    async list(): Promise<DataBranchRecord[]> {
      return (await db.execute('SELECT * FROM data_branches ORDER BY created_at, name')).rows.map(toRecord);
    },
    async recordMerge(name: string, into: string): Promise<void> {
      await db.execute({
        sql: 'UPDATE data_branches SET merged_into = ?, merged_at = ? WHERE name = ?',
        args: [into, now(), name],
      });
    },
    /** Removes the branch and its task routes; its children keep their own databases. */
    async delete(name: string): Promise<void> {
      await db.batch(
        [
          { sql: 'DELETE FROM data_branch_tasks WHERE branch = ?', args: [name] },
          { sql: 'DELETE FROM data_branches WHERE name = ?', args: [name] },
        ],
        'write',
      );
    },

    /** Records that a task's data lives on `branch`; written before its workflow starts. */
    async routeTask(taskId: string, branch: string): Promise<void> {
      await db.execute({
        sql: `INSERT INTO data_branch_tasks (task_id, branch, created_at) VALUES (?, ?, ?)
              ON CONFLICT (task_id) DO UPDATE SET branch = excluded.branch`,
        args: [taskId, branch, now()],
      });
    },
    /** The data branch a task's records are on, or null for the main data. */
    async branchOfTask(taskId: string): Promise<string | null> {
      const rs = await db.execute({ sql: 'SELECT branch FROM data_branch_tasks WHERE task_id = ?', args: [taskId] });
      return rs.rows[0] ? str(rs.rows[0], 'branch') : null;
    },
    async tasksOn(branch: string): Promise<string[]> {
      const rs = await db.execute({
        sql: 'SELECT task_id FROM data_branch_tasks WHERE branch = ? ORDER BY created_at',
        args: [branch],
      });
      return rs.rows.map((r) => str(r, 'task_id'));
    },
    /** After a merge the tasks' records are in `into`: their routes follow (to `main`: dropped). */
    async moveRoutes(taskIds: string[], into: string | null): Promise<void> {
      if (taskIds.length === 0) return;
      const placeholders = taskIds.map(() => '?').join(', ');
      await db.execute(
        into === null
          ? { sql: `DELETE FROM data_branch_tasks WHERE task_id IN (${placeholders})`, args: taskIds }
          : {
              sql: `UPDATE data_branch_tasks SET branch = ? WHERE task_id IN (${placeholders})`,
              args: [into, ...taskIds],
            },
      );
    },
  };
}
export type DataBranchRegistry = ReturnType<typeof dataBranchRegistry>;
