import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { readOnlyOffline } from './offline-replica.js';
import { primaryAnswers } from './replica-sync.js';
import type { DatabaseConfig } from '../config/config.js';
import { namespaceFetch } from './namespace-fetch.js';
import { withPositionalArgs } from './positional-args.js';

export type Db = Client;

const BUSY_TIMEOUT_MS = 10_000;
/**
 * SQLite's page cache, in KiB (negative = size, not pages). The 2 MB default makes vector-index
 * inserts re-read graph pages from disk: at 100k memories of 1536 dims, 256 MB lifts inserts from
 * ~430 to ~500 rows/s (`npm run bench -- memory`). Pages are allocated as used, not up front.
 */
const PAGE_CACHE_KIB = 256 * 1024;

/** Opens the database for one of the three modes: local file, remote sqld/Turso, or embedded replica. */
export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  switch (config.mode) {
    case 'local': {
      mkdirSync(path.dirname(config.path), { recursive: true });
      const db = createClient({ url: `file:${config.path}`, timeout: BUSY_TIMEOUT_MS });
      // WAL lets the CLI read while workers write; the mode is persistent in the file.
      await db.execute('PRAGMA journal_mode = WAL');
      await db.execute('PRAGMA synchronous = NORMAL');
      await db.execute(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
      return db;
    }
    case 'remote':
      return createClient({
        url: config.url,
        authToken: config.authToken,
        ...(config.namespace ? { fetch: namespaceFetch(config.namespace) } : {}),
      });
    case 'replica':
      return openReplica(config);
  }
}

/** A live embedded replica of the file, synced once from its primary. Its syncs are driven by db/replica-sync.ts. */
async function liveReplica(config: Extract<DatabaseConfig, { mode: 'replica' }>): Promise<Client> {
  const db = createClient({
    url: `file:${config.path}`,
    syncUrl: config.syncUrl,
    authToken: config.authToken,
    readYourWrites: true,
    timeout: BUSY_TIMEOUT_MS,
  });
  try {
    await db.sync();
  } catch (err) {
    db.close();
    throw err;
  }
  // Embedded replicas refuse PRAGMA statements, so they keep SQLite's default page cache.
  return withPositionalArgs(db);
}

/**
 * An embedded replica: reads from the local file, writes forwarded to the primary. When the primary
 * cannot be reached but the replica has synced before, it opens read-only from its last sync, so
 * the CLI can still show what it knows; writes then fail with an error naming the primary, and a
 * later sync that reaches the primary makes it live again. The primary is asked for `/health` first
 * (without blocking): libSQL's native first sync would block the event loop while a stopped primary
 * does not answer.
 */
async function openReplica(config: Extract<DatabaseConfig, { mode: 'replica' }>): Promise<Db> {
  mkdirSync(path.dirname(config.path), { recursive: true });
  const syncedBefore = existsSync(config.path);
  try {
    if (syncedBefore) await primaryAnswers(config);
    return await liveReplica(config);
  } catch (err) {
    if (!syncedBefore)
      throw new Error(`cannot sync the new replica ${config.path} from ${config.syncUrl}: ${(err as Error).message}`, {
        cause: err,
      });
    return readOnlyOffline(
      createClient({ url: `file:${config.path}`, timeout: BUSY_TIMEOUT_MS }),
      config.syncUrl,
      err as Error,
      () => liveReplica(config),
    );
  }
}
