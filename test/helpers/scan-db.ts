import type { Db } from '../../db/client.js';

export interface ColumnRef {
  table: string;
  column: string;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every TEXT or BLOB column (or one declared without a type) of every table, internal libSQL tables included. */
export async function textColumns(db: Db): Promise<ColumnRef[]> {
  const tables = await db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const columns: ColumnRef[] = [];
  for (const row of tables.rows) {
    const table = String(row.name);
    const info = await db.execute(`PRAGMA table_info(${quote(table)})`);
    for (const col of info.rows) {
      const type = String(col.type ?? '');
      if (type === '' || /TEXT|BLOB|CHAR|CLOB/i.test(type)) columns.push({ table, column: String(col.name) });
    }
  }
  return columns;
}

/** `table.column` of every column in which some row holds `needle` (as text, or as bytes of a blob). */
export async function columnsContaining(db: Db, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const { table, column } of await textColumns(db)) {
    const rs = await db.execute({
      sql: `SELECT COUNT(*) AS n FROM ${quote(table)} WHERE instr(CAST(${quote(column)} AS TEXT), ?) > 0`,
      args: [needle],
    });
    if (Number(rs.rows[0]!.n) > 0) hits.push(`${table}.${column}`);
  }
  return hits;
}
