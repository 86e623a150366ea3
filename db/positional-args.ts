import type { Client, InArgs, InStatement, InValue, TransactionMode } from '@libsql/client';

/**
 * Rewrites a statement with named parameters (`:name`, `@name`, `$name`) into numbered ones (`?1`),
 * skipping string literals, quoted identifiers and comments.
 *
 * Why: libsql 0.5's embedded replica panics (`statement.rs:396: Option::unwrap() on a None value`,
 * the whole process aborts) on any write with named parameters, because the write is forwarded to
 * the primary without the parameter names. Reads and positional parameters are unaffected.
 */
export function toPositional(statement: InStatement): InStatement {
  if (typeof statement === 'string' || Array.isArray(statement.args) || statement.args === undefined) return statement;
  const named = statement.args as Record<string, InValue>;
  const order: string[] = [];
  const sql = rewriteNames(statement.sql, (name) => {
    if (!Object.hasOwn(named, name))
      throw new RangeError(`statement uses the parameter "${name}" but no value was given for it`);
    let index = order.indexOf(name);
    if (index < 0) index = order.push(name) - 1;
    return `?${index + 1}`;
  });
  return { sql, args: order.map((name) => named[name]!) as InArgs };
}

const NAME_START = /[:@$]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

function rewriteNames(sql: string, replace: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const skipTo = skippedEnd(sql, i);
    if (skipTo > i) {
      out += sql.slice(i, skipTo);
      i = skipTo;
    } else if (NAME_START.test(c) && NAME_CHAR.test(sql[i + 1] ?? '')) {
      let end = i + 1;
      while (end < sql.length && NAME_CHAR.test(sql[end]!)) end++;
      out += replace(sql.slice(i + 1, end));
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The end of a string literal, quoted identifier or comment starting at `i`; `i` when none does. */
function skippedEnd(sql: string, i: number): number {
  const c = sql[i];
  const closeAt = (close: string, from: number) => {
    const end = sql.indexOf(close, from);
    return end < 0 ? sql.length : end + close.length;
  };
  if (c === "'" || c === '"' || c === '`') {
    // A doubled quote inside is an escaped quote: keep scanning past it.
    let end = i + 1;
    for (;;) {
      end = closeAt(c, end);
      if (sql[end] !== c) return end;
      end++;
    }
  }
  if (c === '[') return closeAt(']', i + 1);
  if (c === '-' && sql[i + 1] === '-') return closeAt('\n', i + 2);
  if (c === '/' && sql[i + 1] === '*') return closeAt('*/', i + 2);
  return i;
}

type BatchItem = InStatement | [string, InArgs?];
const statementOf = (item: BatchItem): InStatement =>
  Array.isArray(item) ? { sql: item[0], args: item[1] ?? [] } : item;

/** The client with every statement's named parameters numbered (see toPositional). */
export function withPositionalArgs(db: Client): Client {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'execute') {
        return (stmt: InStatement, args?: InArgs) =>
          target.execute(toPositional(typeof stmt === 'string' && args !== undefined ? { sql: stmt, args } : stmt));
      }
      if (property === 'batch') {
        return (stmts: BatchItem[], mode?: TransactionMode) =>
          target.batch(
            stmts.map((s) => toPositional(statementOf(s))),
            mode,
          );
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
