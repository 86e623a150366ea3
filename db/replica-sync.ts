import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Client } from '@libsql/client';
import type { DatabaseConfig } from '../config/config.js';
import { SwarmError } from '../errors/swarm-error.js';
import { afterFailure, afterSuccess, EMPTY_SYNC_STATE, type StoredSyncState, type SyncStatus } from './sync-status.js';

/** A sync that could not reach the primary; it is recorded in the status, and trying later may work. */
export class SyncUnavailableError extends SwarmError {
  readonly kind = 'transient' as const;
  override name = 'SyncUnavailableError';
}

/** How long the reachability check before each sync waits for the primary's `/health`. */
const PROBE_TIMEOUT_MS = 2_000;

export interface DataSync {
  /** Pulls what the primary has now (replica mode); in other modes there is nothing to pull. */
  syncNow(): Promise<SyncStatus>;
  getStatus(): Promise<SyncStatus>;
  /** Stops the background syncs (the store's close does it). */
  stop(): void;
}

/** Resolves when the primary answers its `/health` within PROBE_TIMEOUT_MS; never blocks the event loop. */
export async function primaryAnswers(config: { syncUrl: string; authToken?: string }): Promise<void> {
  let response: Response;
  try {
    const httpUrl = config.syncUrl.replace(/^(libsql|wss):/, 'https:').replace(/^ws:/, 'http:');
    response = await fetch(new URL('/health', httpUrl), {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      ...(config.authToken ? { headers: { authorization: `Bearer ${config.authToken}` } } : {}),
    });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    const why =
      (err as Error).name === 'TimeoutError'
        ? `no answer in ${PROBE_TIMEOUT_MS / 1000} s`
        : `${(err as Error).message}${code ? ` (${code})` : ''}`;
    throw new Error(why, { cause: err });
  }
  await response.arrayBuffer();
  if (response.status >= 500) throw new Error(`its /health answered HTTP ${response.status}`);
}

export const syncStatusFile = (replicaPath: string) => `${replicaPath}.sync-status.json`;

function readState(file: string): StoredSyncState {
  try {
    return { ...EMPTY_SYNC_STATE, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredSyncState>) };
  } catch {
    return EMPTY_SYNC_STATE;
  }
}

function writeState(file: string, state: StoredSyncState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state, null, 2));
  renameSync(temporary, file);
}

/** The primary's generation and this replica's last frame, as libSQL keeps them beside the file (16 + 8 bytes). */
export function replicaPosition(replicaPath: string): { generation: string | null; frameNo: number | null } {
  try {
    const index = readFileSync(`${replicaPath}-client_wal_index`);
    if (index.length < 24) return { generation: null, frameNo: null };
    return { generation: index.subarray(0, 16).toString('hex'), frameNo: Number(index.readBigUInt64LE(16)) };
  } catch {
    return { generation: null, frameNo: null };
  }
}

const withAge = (state: StoredSyncState, now: Date) => ({
  ...state,
  lastSyncAgeSeconds: state.lastSyncAt ? Math.max(0, (now.getTime() - Date.parse(state.lastSyncAt)) / 1000) : null,
});

/** What a database that is not a replica reports: it has no sync, its data is the server's or the file's. */
export function staticSync(config: DatabaseConfig): DataSync {
  const status = (): SyncStatus => ({
    mode: config.mode,
    primaryUrl: config.mode === 'remote' ? config.url : null,
    replicaPath: null,
    intervalSeconds: null,
    ...withAge(EMPTY_SYNC_STATE, new Date()),
    pendingChanges: 0,
  });
  return { syncNow: async () => status(), getStatus: async () => status(), stop: () => undefined };
}

/** The status of a replica as recorded beside its file, without opening it. */
export function recordedReplicaStatus(
  config: Extract<DatabaseConfig, { mode: 'replica' }>,
  now = new Date(),
): SyncStatus {
  const state = readState(syncStatusFile(config.path));
  const position = replicaPosition(config.path);
  return {
    mode: 'replica',
    primaryUrl: config.syncUrl,
    replicaPath: config.path,
    intervalSeconds: config.syncIntervalSeconds,
    ...withAge(
      { ...state, generation: position.generation ?? state.generation, frameNo: position.frameNo ?? state.frameNo },
      now,
    ),
    pendingChanges: 0,
  };
}

/**
 * The syncs of an embedded replica, every `syncIntervalSeconds` and on demand, each one recorded in
 * `<replica>.sync-status.json` (what `swarm sync status` shows). libSQL's native sync blocks the
 * event loop until the primary answers, for as long as a stopped primary stays stopped, so each
 * sync first checks the primary's `/health` without blocking; an unreachable primary is recorded
 * as a failed sync and the native call is not made.
 */
export function replicaSync(db: Client, config: Extract<DatabaseConfig, { mode: 'replica' }>): DataSync {
  const file = syncStatusFile(config.path);
  let running: Promise<SyncStatus> | undefined;

  const syncOnce = async (): Promise<SyncStatus> => {
    try {
      await primaryAnswers(config);
      const replicated = (await db.sync()) as { frame_no?: number; frames_synced?: number } | undefined;
      const position = replicaPosition(config.path);
      writeState(
        file,
        afterSuccess(readState(file), new Date(), {
          frameNo: replicated?.frame_no ?? position.frameNo,
          framesSynced: replicated?.frames_synced ?? 0,
          generation: position.generation,
        }),
      );
      return recordedReplicaStatus(config);
    } catch (err) {
      const cause = (err as Error).message;
      writeState(
        file,
        afterFailure(readState(file), new Date(), `the primary ${config.syncUrl} is unreachable: ${cause}`),
      );
      throw new SyncUnavailableError(`cannot sync the replica from ${config.syncUrl}: ${cause}`, { cause: err });
    }
  };

  const syncNow = () => (running ??= syncOnce().finally(() => (running = undefined)));
  const timer = setInterval(() => void syncNow().catch(() => undefined), config.syncIntervalSeconds * 1000);
  timer.unref();

  return {
    syncNow,
    getStatus: async () => recordedReplicaStatus(config),
    stop: () => clearInterval(timer),
  };
}
