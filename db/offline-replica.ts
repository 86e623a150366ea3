import type { Client, InArgs, InStatement, TransactionMode } from '@libsql/client';
import { SwarmError } from '../errors/swarm-error.js';

export class DatabaseUnavailableError extends SwarmError {
  readonly kind = 'transient' as const;
  override name = 'DatabaseUnavailableError';
}

const READ_ONLY = /^\s*(SELECT|WITH|EXPLAIN|VALUES)\b/i;
const sqlOf = (stmt: InStatement | [string, InArgs?]) =>
  typeof stmt === 'string' ? stmt : Array.isArray(stmt) ? stmt[0] : stmt.sql;

/**
 * A replica's local file opened while its primary is down: reads work, writes fail naming the
 * primary. Its `sync()` tries `reconnect` (a live replica of the same file); once that works, every
 * call goes to the live replica, so a long-running process catches up without reopening its store.
 */
export function readOnlyOffline(db: Client, primary: string, cause: Error, reconnect?: () => Promise<Client>): Client {
  let current = db;
  let offline = true;
  const refuse = (sql: string) => {
    if (offline && !READ_ONLY.test(sql)) {
      throw new DatabaseUnavailableError(
        `the primary database ${primary} is unreachable (${cause.message}); this replica is read-only until it is back`,
      );
    }
  };
  return new Proxy(db, {
    get(_target, property) {
      if (property === 'execute') {
        return async (stmt: InStatement, args?: InArgs) => {
          refuse(sqlOf(stmt));
          return typeof stmt === 'string' && args !== undefined ? current.execute(stmt, args) : current.execute(stmt);
        };
      }
      if (property === 'batch') {
        return async (stmts: Array<InStatement | [string, InArgs?]>, mode?: TransactionMode) => {
          for (const stmt of stmts) refuse(sqlOf(stmt));
          return current.batch(stmts, mode);
        };
      }
      if (property === 'sync') {
        return async () => {
          if (!offline) return current.sync();
          if (!reconnect) return undefined;
          const live = await reconnect();
          const replicated = await live.sync();
          const old = current;
          current = live;
          offline = false;
          old.close();
          return replicated;
        };
      }
      const value: unknown = Reflect.get(current, property);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
