import type { Client, InArgs, InStatement, TransactionMode } from '@libsql/client';
import { SwarmError } from '../errors/swarm-error.js';

export class DatabaseUnavailableError extends SwarmError {
  readonly kind = 'transient' as const;
  override name = 'DatabaseUnavailableError';
}

const READ_ONLY = /^\s*(SELECT|WITH|EXPLAIN|VALUES)\b/i;
const sqlOf = (stmt: InStatement | [string, InArgs?]) =>
  typeof stmt === 'string' ? stmt : Array.isArray(stmt) ? stmt[0] : stmt.sql;

/** A replica's local file opened while its primary is down: reads work, writes fail naming the primary. */
export function readOnlyOffline(db: Client, primary: string, cause: Error): Client {
  const refuse = (sql: string) => {
    if (!READ_ONLY.test(sql)) {
      throw new DatabaseUnavailableError(
        `the primary database ${primary} is unreachable (${cause.message}); this replica is read-only until it is back`,
      );
    }
  };
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'execute') {
        return async (stmt: InStatement, args?: InArgs) => {
          refuse(sqlOf(stmt));
          return typeof stmt === 'string' && args !== undefined ? target.execute(stmt, args) : target.execute(stmt);
        };
      }
      if (property === 'batch') {
        return async (stmts: Array<InStatement | [string, InArgs?]>, mode?: TransactionMode) => {
          for (const stmt of stmts) refuse(sqlOf(stmt));
          return target.batch(stmts, mode);
        };
      }
      if (property === 'sync') return async () => undefined;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
