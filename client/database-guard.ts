import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type DatabaseConfig } from '../config/config.js';
import { createStore, openStore, type Store, type StoreOptions } from '../db/index.js';
import type { Db } from '../db/client.js';
import { DatabaseUnavailableError } from '../db/offline-replica.js';
import { SwarmError } from '../errors/swarm-error.js';

/** The database file is damaged or is not a database; retrying does not help. */
export class DatabaseFileError extends SwarmError {
  readonly kind = 'fatal' as const;
  override name = 'DatabaseFileError';
}

/** A database call that did not settle in time; explained below into a message naming the database. */
class CallTimedOut extends SwarmError {
  readonly kind = 'transient' as const;
}

/** How messages name the database: its URL, or its file. */
export function databaseLabel(config: DatabaseConfig): string {
  if (config.mode === 'remote')
    return `the database at ${config.url}${config.namespace ? ` (namespace ${config.namespace})` : ''}`;
  if (config.mode === 'replica') return `the replica ${config.path} of ${config.syncUrl}`;
  return `the database file ${config.path}`;
}

/** The chain of causes of an error, the error first. */
function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let e = err;
    e !== undefined && e !== null && chain.length < 8 && !chain.includes(e);
    e = (e as { cause?: unknown }).cause
  )
    chain.push(e);
  return chain;
}

const codeOf = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

const NETWORK_CODES =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|UND_ERR_\w+|HRANA_WEBSOCKET_ERROR|HRANA_CLOSED_ERROR|SERVER_ERROR)$/;

/**
 * What a failed database call means to the user, naming the database: it did not answer in time,
 * it cannot be reached, or its file is corrupt. Other errors (constraints, SQL) pass unchanged.
 */
export function explainDatabaseError(err: unknown, config: DatabaseConfig, timeoutSeconds: number): unknown {
  const label = databaseLabel(config);
  if (err instanceof CallTimedOut)
    return new DatabaseUnavailableError(
      `${label} did not answer within ${timeoutSeconds} s (SWARM_CLI_TIMEOUT_SECONDS)`,
    );
  if (err instanceof SwarmError) return err;
  const chain = causes(err);
  const sqlite = chain.map(codeOf).find((code) => code?.startsWith('SQLITE_'));
  const where = config.mode === 'remote' ? label : `the database file ${config.path}`;
  if (sqlite && (sqlite.startsWith('SQLITE_CORRUPT') || sqlite === 'SQLITE_NOTADB')) {
    return new DatabaseFileError(
      `${where} is corrupt or not a libSQL database (${sqlite}); restore it from a backup or point SWARM_DB_PATH elsewhere`,
      { cause: err },
    );
  }
  if (sqlite === 'SQLITE_CANTOPEN') return new ConfigError(`cannot open ${where} (${sqlite})`, { cause: err });
  // The local driver reports a failed open as a bare `ConnectionFailed("... /path: 14")`, without a code.
  const openFailed = /Unable to open connection to local database .*: (\d+)"?\)?$/.exec(
    (err as Error | null)?.message ?? '',
  );
  if (openFailed) return new ConfigError(`cannot open ${where} (SQLite error ${openFailed[1]})`, { cause: err });
  const network =
    chain.find((e) => NETWORK_CODES.test(codeOf(e) ?? '')) ??
    (err instanceof TypeError && err.message === 'fetch failed' ? err : undefined);
  if (network) {
    const reason = (chain.at(-1) as Error | undefined)?.message ?? String(err);
    return new DatabaseUnavailableError(`cannot reach ${label}: ${reason}`, { cause: err });
  }
  return err;
}

/** `work`, failing with CallTimedOut after `ms` (the call itself is abandoned, not cancelled). */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CallTimedOut()), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const BOUNDED_CALLS = new Set(['execute', 'batch', 'executeMultiple', 'migrate', 'sync', 'transaction']);

/** The client with every call bounded to `timeoutSeconds` and its failures explained. */
export function guardDb(db: Db, config: DatabaseConfig, timeoutSeconds: number): Db {
  return new Proxy(db, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value.bind(target) as (...args: unknown[]) => unknown;
      if (!BOUNDED_CALLS.has(String(property))) return method;
      return async (...args: unknown[]) => {
        try {
          return await within(timeoutSeconds * 1000, Promise.resolve(method(...args)));
        } catch (err) {
          throw explainDatabaseError(err, config, timeoutSeconds);
        }
      };
    },
  });
}

/** A local database path that exists must be a file (SQLite's own message for a directory is a bare "14"). */
function requireFileOrNothing(file: string): void {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    return;
  }
  if (!stats.isFile())
    throw new ConfigError(
      `SWARM_DB_PATH ${file} is ${stats.isDirectory() ? 'a directory' : 'a FIFO, device or socket'}, not a database file`,
    );
}

/**
 * Makes the directory a local database file goes in, one level at a time (Node's recursive mkdir
 * can spin forever where the kernel answers ENOENT to every mkdir), or fails naming the setting.
 */
function makeParentDir(file: string): void {
  const missing: string[] = [];
  let dir = path.dirname(file);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(dir).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        throw new ConfigError(`SWARM_DB_PATH ${file}: cannot use ${dir}: ${(err as Error).message}`);
      missing.unshift(dir);
      dir = path.dirname(dir);
      continue;
    }
    if (!isDir)
      throw new ConfigError(
        `SWARM_DB_PATH ${file}: its directory cannot be created, because ${dir} is not a directory`,
      );
    break;
  }
  for (const part of missing) {
    try {
      mkdirSync(part);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new ConfigError(`SWARM_DB_PATH ${file}: cannot create ${part}: ${(err as Error).message}`);
    }
  }
}

/** The CLI's store: opened (and migrated) within the timeout, every later call bounded, failures naming the database. */
export async function openGuardedStore(
  config: DatabaseConfig,
  options: { embeddingDimensions: number; timeoutSeconds: number } & StoreOptions &
    Required<Pick<StoreOptions, 'redactor'>>,
): Promise<Store> {
  const { timeoutSeconds, embeddingDimensions, ...storeOptions } = options;
  if (config.mode !== 'remote') {
    requireFileOrNothing(config.path);
    makeParentDir(config.path);
  }
  let opened: Promise<Store> | undefined;
  try {
    opened = openStore(config, { embeddingDimensions, ...storeOptions });
    const store = await within(timeoutSeconds * 1000, opened);
    return createStore(guardDb(store.db, config, timeoutSeconds), { ...storeOptions, sync: store.sync });
  } catch (err) {
    // A store that opens after all is closed again, so it holds nothing open.
    void opened?.then((late) => late.close()).catch(() => undefined);
    throw explainDatabaseError(err, config, timeoutSeconds);
  }
}
