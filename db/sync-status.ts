/** What `swarm sync status` and `sync.getStatus()` report about how this process's data reaches its primary. */
export interface SyncStatus {
  mode: 'local' | 'remote' | 'replica';
  /** The primary (replica mode) or the server (remote mode); null for a local file. */
  primaryUrl: string | null;
  /** The replica's file (replica mode). */
  replicaPath: string | null;
  /** Seconds between background syncs (replica mode). */
  intervalSeconds: number | null;
  /** The last sync that reached the primary, by any process using this replica file. */
  lastSyncAt: string | null;
  lastSyncAgeSeconds: number | null;
  /** The primary's log generation and the last frame this replica holds (from its `-client_wal_index`). */
  generation: string | null;
  frameNo: number | null;
  /** Frames pulled from the primary since this replica's status began. */
  framesSynced: number;
  /** Failed syncs since the last one that worked. */
  errorsSinceLastSync: number;
  lastError: { at: string; message: string } | null;
  /** The outage now going on: since when, and how many syncs failed in it. */
  outage: { since: string; failedSyncs: number } | null;
  /** The last outage that ended, and when the replica caught up. */
  lastOutage: { from: string; to: string; failedSyncs: number } | null;
  /**
   * Local writes not yet on the primary. Always 0 here: libSQL's embedded replica sends every write
   * to the primary at once (and fails it when the primary is down), so nothing waits locally.
   */
  pendingChanges: number;
}

/** The part of the status a replica persists beside its file, shared by every process using it. */
export type StoredSyncState = Pick<
  SyncStatus,
  | 'lastSyncAt'
  | 'generation'
  | 'frameNo'
  | 'framesSynced'
  | 'errorsSinceLastSync'
  | 'lastError'
  | 'outage'
  | 'lastOutage'
>;

export const EMPTY_SYNC_STATE: StoredSyncState = {
  lastSyncAt: null,
  generation: null,
  frameNo: null,
  framesSynced: 0,
  errorsSinceLastSync: 0,
  lastError: null,
  outage: null,
  lastOutage: null,
};

/** The state after a sync that reached the primary: errors cleared, an outage closed. */
export function afterSuccess(
  state: StoredSyncState,
  at: Date,
  pulled: { frameNo: number | null; framesSynced: number; generation: string | null },
): StoredSyncState {
  return {
    ...state,
    lastSyncAt: at.toISOString(),
    generation: pulled.generation ?? state.generation,
    frameNo: pulled.frameNo ?? state.frameNo,
    framesSynced: state.framesSynced + pulled.framesSynced,
    errorsSinceLastSync: 0,
    outage: null,
    lastOutage: state.outage
      ? { from: state.outage.since, to: at.toISOString(), failedSyncs: state.outage.failedSyncs }
      : state.lastOutage,
  };
}

/** The state after a sync that failed: counted, and an outage opened if none is. */
export function afterFailure(state: StoredSyncState, at: Date, message: string): StoredSyncState {
  return {
    ...state,
    errorsSinceLastSync: state.errorsSinceLastSync + 1,
    lastError: { at: at.toISOString(), message },
    outage: { since: state.outage?.since ?? at.toISOString(), failedSyncs: (state.outage?.failedSyncs ?? 0) + 1 },
  };
}
