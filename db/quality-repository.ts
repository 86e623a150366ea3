import { createHash } from 'node:crypto';
import type { Row } from '@libsql/client';
import { qualityComparisonSchema, type QualityComparison } from '../quality/comparison.js';
import { allChecksPassed, qualitySnapshotSchema, type QualitySnapshot } from '../quality/snapshot.js';
import type { Db } from './client.js';
import { createPersist, type Persist } from './persist.js';
import { bool, now, optNum, optStr, str } from './rows.js';

export interface StoredSnapshot {
  id: string;
  kind: 'baseline' | 'attempt';
  repo: string;
  branch: string;
  commitSha: string | null;
  taskId: string | null;
  attempt: number | null;
  round: number | null;
  /** Baselines: every check passed. Attempts: the gate's verdict was pass. */
  passed: boolean;
  snapshot: QualitySnapshot;
  comparison: QualityComparison | null;
  /** Attempts: the baseline snapshot the comparison was made against (null when there was none, or for older rows). */
  baselineId: string | null;
  createdAt: string;
}

export interface NewBaseline {
  repo: string;
  branch: string;
  commitSha: string;
  snapshot: QualitySnapshot;
}

export interface NewAttemptSnapshot {
  taskId: string;
  attempt: number;
  /** 1 after the agent's attempt; 2, 3, … for re-runs after the base branch moved (as in check_runs). */
  round?: number;
  repo: string;
  branch: string;
  commitSha: string | null;
  snapshot: QualitySnapshot;
  comparison: QualityComparison;
  /** The id of the baseline snapshot the gate compared with. */
  baselineId?: string | null;
}

/** Stored JSON is a boundary too: rows written by another version are validated when read. */
function toStoredSnapshot(row: Row): StoredSnapshot {
  const comparison = optStr(row, 'comparison');
  return {
    id: str(row, 'id'),
    kind: str(row, 'kind') === 'baseline' ? 'baseline' : 'attempt',
    repo: str(row, 'repo'),
    branch: str(row, 'branch'),
    commitSha: optStr(row, 'commit_sha'),
    taskId: optStr(row, 'task_id'),
    attempt: optNum(row, 'attempt'),
    round: optNum(row, 'round'),
    passed: bool(row, 'passed'),
    snapshot: qualitySnapshotSchema.parse(JSON.parse(str(row, 'metrics'))),
    comparison: comparison === null ? null : qualityComparisonSchema.parse(JSON.parse(comparison)),
    baselineId: optStr(row, 'baseline_id'),
    createdAt: str(row, 'created_at'),
  };
}

const UPSERT_SNAPSHOT = `INSERT INTO quality_snapshots (id, kind, repo, branch, commit_sha, task_id, attempt, round, passed, metrics, comparison, created_at, baseline_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET commit_sha = excluded.commit_sha, passed = excluded.passed, metrics = excluded.metrics,
    comparison = excluded.comparison, created_at = excluded.created_at, baseline_id = excluded.baseline_id`;

// Ids derive from what a snapshot is of, so a retried activity overwrites instead of adding a row.
const baselineId = (b: Pick<NewBaseline, 'repo' | 'branch' | 'commitSha'>) =>
  `baseline-${createHash('sha256').update(`${b.repo}\0${b.branch}\0${b.commitSha}`).digest('hex').slice(0, 24)}`;
const attemptId = (taskId: string, attempt: number, round: number) => `attempt-${taskId}-${attempt}-${round}`;

export function qualityRepository(db: Db, persist: Persist = createPersist()) {
  return {
    /** Makes `snapshot` (of `commitSha`) the baseline of (repo, branch), replacing the previous one. */
    async setBaseline(baseline: NewBaseline): Promise<string> {
      const id = baselineId(baseline);
      const at = now();
      await db.batch(
        [
          {
            sql: UPSERT_SNAPSHOT,
            args: [
              id,
              'baseline',
              baseline.repo,
              baseline.branch,
              baseline.commitSha,
              null,
              null,
              null,
              allChecksPassed(baseline.snapshot) ? 1 : 0,
              persist.json(baseline.snapshot),
              null,
              at,
              null,
            ],
          },
          {
            sql: `INSERT INTO quality_baselines (repo, branch, snapshot_id, updated_at) VALUES (?, ?, ?, ?)
                  ON CONFLICT (repo, branch) DO UPDATE SET snapshot_id = excluded.snapshot_id, updated_at = excluded.updated_at`,
            args: [baseline.repo, baseline.branch, id, at],
          },
        ],
        'write',
      );
      return id;
    },

    async getBaseline(repo: string, branch: string): Promise<StoredSnapshot | null> {
      const rs = await db.execute({
        sql: `SELECT s.* FROM quality_baselines b JOIN quality_snapshots s ON s.id = b.snapshot_id WHERE b.repo = ? AND b.branch = ?`,
        args: [repo, branch],
      });
      return rs.rows[0] ? toStoredSnapshot(rs.rows[0]) : null;
    },

    /** The baseline collected for one commit of the branch, whether or not it is the branch's latest. */
    async getBaselineAt(repo: string, branch: string, commitSha: string): Promise<StoredSnapshot | null> {
      const rs = await db.execute({
        sql: `SELECT * FROM quality_snapshots WHERE id = ?`,
        args: [baselineId({ repo, branch, commitSha })],
      });
      return rs.rows[0] ? toStoredSnapshot(rs.rows[0]) : null;
    },

    /** Records the snapshot of one attempt (and round) with its comparison; a retry overwrites it. */
    async recordAttempt(entry: NewAttemptSnapshot): Promise<string> {
      const round = entry.round ?? 1;
      const id = attemptId(entry.taskId, entry.attempt, round);
      await db.execute({
        sql: UPSERT_SNAPSHOT,
        args: [
          id,
          'attempt',
          entry.repo,
          entry.branch,
          entry.commitSha,
          entry.taskId,
          entry.attempt,
          round,
          entry.comparison.verdict === 'pass' ? 1 : 0,
          persist.json(entry.snapshot),
          persist.json(entry.comparison),
          now(),
          entry.baselineId ?? null,
        ],
      });
      return id;
    },

    async getAttempt(taskId: string, attempt: number, round = 1): Promise<StoredSnapshot | null> {
      const rs = await db.execute({
        sql: 'SELECT * FROM quality_snapshots WHERE id = ?',
        args: [attemptId(taskId, attempt, round)],
      });
      return rs.rows[0] ? toStoredSnapshot(rs.rows[0]) : null;
    },

    /** A branch's snapshots, baselines and attempts alike, oldest first: its quality over time. */
    async listForBranch(repo: string, branch: string, limit = 100): Promise<StoredSnapshot[]> {
      const rs = await db.execute({
        sql: `SELECT * FROM (SELECT * FROM quality_snapshots WHERE repo = ? AND branch = ? ORDER BY created_at DESC, id LIMIT ?)
              ORDER BY created_at, id`,
        args: [repo, branch, limit],
      });
      return rs.rows.map(toStoredSnapshot);
    },

    /** Any stored snapshot by id (a replaced baseline stays readable: attempts judged against it name it). */
    async getSnapshot(id: string): Promise<StoredSnapshot | null> {
      const rs = await db.execute({ sql: 'SELECT * FROM quality_snapshots WHERE id = ?', args: [id] });
      return rs.rows[0] ? toStoredSnapshot(rs.rows[0]) : null;
    },

    async listForTask(taskId: string): Promise<StoredSnapshot[]> {
      const rs = await db.execute({
        sql: `SELECT * FROM quality_snapshots WHERE task_id = ? AND kind = 'attempt' ORDER BY attempt, round`,
        args: [taskId],
      });
      return rs.rows.map(toStoredSnapshot);
    },
  };
}
export type QualityRepository = ReturnType<typeof qualityRepository>;
