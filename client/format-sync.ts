import type { SyncStatus } from '../db/index.js';

const age = (seconds: number | null) =>
  seconds === null ? '' : seconds < 120 ? ` (${seconds.toFixed(1)} s ago)` : ` (${(seconds / 60).toFixed(1)} min ago)`;

export function formatSyncStatus(s: SyncStatus): string {
  if (s.mode === 'local') return 'mode: local (one file, nothing to sync)';
  if (s.mode === 'remote') return `mode: remote (every read and write goes to ${s.primaryUrl}; nothing to sync)`;
  const lines = [
    `mode:            replica (${s.replicaPath})`,
    `primary:         ${s.primaryUrl}`,
    `last sync:       ${s.lastSyncAt ? `${s.lastSyncAt}${age(s.lastSyncAgeSeconds)}` : 'never'}`,
    `position:        frame ${s.frameNo ?? '-'}, generation ${s.generation ?? '-'}; ${s.framesSynced} frames pulled`,
    `errors since:    ${s.errorsSinceLastSync}${s.lastError ? ` (last: ${s.lastError.at} ${s.lastError.message})` : ''}`,
    `pending changes: ${s.pendingChanges} (writes go to the primary at once; they fail while it is down)`,
  ];
  if (s.outage) lines.push(`outage:          since ${s.outage.since}, ${s.outage.failedSyncs} failed syncs`);
  if (s.lastOutage)
    lines.push(
      `last outage:     ${s.lastOutage.from} to ${s.lastOutage.to} (${s.lastOutage.failedSyncs} failed syncs), caught up`,
    );
  return lines.join('\n');
}
