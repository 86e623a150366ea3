import type { Db } from './client.js';

export interface MigrationOptions {
  embeddingDimensions: number;
}

interface Migration {
  version: number;
  name: string;
  statements: (options: MigrationOptions) => string[];
}

/** Append-only: never edit a released migration, add a new one. */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'tasks, attempts, checks, results, agents, branches, artifacts',
    statements: () => [
      `CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        priority TEXT NOT NULL,
        skills TEXT NOT NULL,
        acceptance_criteria TEXT NOT NULL,
        repo TEXT NOT NULL,
        base_branch TEXT NOT NULL,
        branch TEXT NOT NULL,
        model_type TEXT NOT NULL,
        max_attempts INTEGER NOT NULL,
        budget_tokens INTEGER,
        budget_usd REAL,
        workflow_id TEXT NOT NULL,
        status TEXT NOT NULL,
        current_attempt INTEGER NOT NULL DEFAULT 0,
        failure_reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE INDEX tasks_by_status ON tasks (status, created_at)`,
      `CREATE TABLE attempts (
        task_id TEXT NOT NULL REFERENCES tasks (id),
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        model_type TEXT NOT NULL,
        agent_id TEXT,
        feedback_artifact_id TEXT,
        memory_ids TEXT NOT NULL DEFAULT '[]',
        prompt_artifact_id TEXT,
        transcript_artifact_id TEXT,
        summary TEXT,
        files_changed TEXT NOT NULL DEFAULT '[]',
        commit_sha TEXT,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        PRIMARY KEY (task_id, attempt)
      )`,
      `CREATE TABLE check_runs (
        task_id TEXT NOT NULL REFERENCES tasks (id),
        attempt INTEGER NOT NULL,
        round INTEGER NOT NULL,
        name TEXT NOT NULL,
        command TEXT NOT NULL,
        exit_code INTEGER,
        passed INTEGER NOT NULL,
        timed_out INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        output TEXT NOT NULL,
        output_truncated INTEGER NOT NULL,
        result TEXT,
        finished_at TEXT NOT NULL,
        PRIMARY KEY (task_id, attempt, round, name)
      )`,
      `CREATE TABLE results (
        task_id TEXT PRIMARY KEY REFERENCES tasks (id),
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        branch TEXT NOT NULL,
        merge_commit TEXT,
        summary TEXT NOT NULL,
        failure_reason TEXT,
        agent_id TEXT,
        finished_at TEXT NOT NULL
      )`,
      `CREATE TABLE quality_snapshots (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        task_id TEXT,
        attempt INTEGER,
        branch TEXT NOT NULL,
        commit_sha TEXT,
        passed INTEGER NOT NULL,
        metrics TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX quality_snapshots_by_task ON quality_snapshots (task_id, attempt)`,
      `CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        model_type TEXT NOT NULL,
        task_queue TEXT NOT NULL,
        skills TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        stopped_at TEXT,
        current_task_id TEXT,
        completed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE branches (
        repo TEXT NOT NULL,
        name TEXT NOT NULL,
        task_id TEXT,
        base_branch TEXT NOT NULL,
        base_sha TEXT NOT NULL,
        head_sha TEXT,
        status TEXT NOT NULL,
        worktree_path TEXT,
        merge_commit TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (repo, name)
      )`,
      `CREATE TABLE artifacts (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        content TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX artifacts_by_task ON artifacts (task_id)`,
      `CREATE TABLE agent_turns (
        task_id TEXT NOT NULL REFERENCES tasks (id),
        attempt INTEGER NOT NULL,
        turn INTEGER NOT NULL,
        model_type TEXT NOT NULL,
        messages TEXT NOT NULL,
        checkpoint_sha TEXT,
        done INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (task_id, attempt, turn)
      )`,
      `CREATE TABLE model_calls (
        task_id TEXT NOT NULL REFERENCES tasks (id),
        attempt INTEGER NOT NULL,
        turn INTEGER NOT NULL,
        try INTEGER NOT NULL,
        model_type TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cost_usd REAL NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (task_id, attempt, turn, try)
      )`,
      `CREATE INDEX model_calls_by_model ON model_calls (model_type)`,
    ],
  },
  {
    version: 2,
    name: 'memories with native vector embeddings',
    statements: ({ embeddingDimensions }) => [
      `CREATE TABLE memories (
        id TEXT PRIMARY KEY,
        content TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('codebase_knowledge', 'learning', 'error_pattern', 'solution_pattern', 'task_context', 'conversation')),
        importance REAL NOT NULL DEFAULT 0.5 CHECK (importance BETWEEN 0 AND 1),
        tags TEXT NOT NULL DEFAULT '[]',
        provenance TEXT NOT NULL DEFAULT '[]',
        branch TEXT,
        embedding F32_BLOB(${embeddingDimensions}),
        embedding_model TEXT,
        created_at TEXT NOT NULL,
        last_accessed_at TEXT,
        expires_at TEXT
      )`,
      `CREATE INDEX memories_by_type ON memories (type, branch)`,
      `CREATE INDEX memories_by_expiry ON memories (expires_at) WHERE expires_at IS NOT NULL`,
      // DiskANN index for vector_top_k. libSQL's defaults insert ~18 rows/s at 1536 dims: every insert
      // searches with insert_l=70 and rewrites each node it visited, and each node's block holds up to
      // 3·√1536 ≈ 117 uncompressed neighbour vectors. Measured with `npm run bench -- memory --sweep`
      // (1536 dims, local file, 2 shared cores, seeded topic-clustered vectors; fresh table per setting,
      // up to 20k rows or 40 s of inserting; recall@10 of the index path against an exact scan):
      //   settings                                   rows    insert/s  search p50  recall@10
      //   (defaults)                                  1,000       18      29.7 ms    1.000
      //   float8, max_neighbors=32                    3,500       86      12.5 ms    1.000
      //   float8, max_neighbors=64                    3,500       79      11.4 ms    1.000
      //   float1bit, max_neighbors=8                 13,500      326       2.9 ms    0.115
      //   float1bit, max_neighbors=16                 6,500      158       4.0 ms    0.610
      //   float1bit, max_neighbors=32                 8,500      198       4.1 ms    0.995
      //   float1bit, max_neighbors=64                 7,500      177       5.2 ms    1.000
      //   float1bit, max_neighbors=24, insert_l=16   20,000      514       3.4 ms    0.990
      //   float1bit, max_neighbors=32, insert_l=10   20,000      622       3.5 ms    0.990
      //   … same at 30k rows, search_l=100           30,000      563       2.6 ms    1.000
      // Fewer than ~24 neighbours cut the graph apart (recall collapses); insert_l bounds how many nodes
      // an insert rewrites and matters most; search_l=100 (default 200) cuts search time at no recall
      // cost here. Growing one table to 10k and on to 100k (`npm run bench -- memory`): 690 inserts/s up
      // to 10k, 428/s averaged over 10k–100k (target 500/s: missed), search p50 3.8 ms (exact scan 755 ms),
      // recall@10 0.97. With a 256 MB page cache on the connection (`--cache-mb 256`): 848/s and 504/s.
      `CREATE INDEX memories_embedding_idx ON memories (
        libsql_vector_idx(embedding, 'metric=cosine', 'compress_neighbors=float1bit', 'max_neighbors=32', 'insert_l=10', 'search_l=100')
      )`,
    ],
  },
  {
    version: 3,
    name: 'quality baselines per branch, attempt snapshots with their comparison',
    statements: () => [
      `ALTER TABLE quality_snapshots ADD COLUMN repo TEXT`,
      `ALTER TABLE quality_snapshots ADD COLUMN round INTEGER`,
      `ALTER TABLE quality_snapshots ADD COLUMN comparison TEXT`,
      `CREATE TABLE quality_baselines (
        repo TEXT NOT NULL,
        branch TEXT NOT NULL,
        snapshot_id TEXT NOT NULL REFERENCES quality_snapshots (id),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (repo, branch)
      )`,
    ],
  },
  {
    version: 4,
    name: 'agent turns keep what they returned, so a retried turn returns it again',
    statements: () => [`ALTER TABLE agent_turns ADD COLUMN result TEXT`],
  },
  {
    version: 5,
    name: 'data branches: their registry, the tasks routed to them, the memories merged from them',
    statements: () => [
      // Lives in the main database: which data branches exist and where each one's database is.
      `CREATE TABLE data_branches (
        name TEXT PRIMARY KEY,
        parent TEXT NOT NULL,
        backend TEXT NOT NULL,
        location TEXT NOT NULL,
        created_at TEXT NOT NULL,
        merged_into TEXT,
        merged_at TEXT
      )`,
      // Lives in the main database: a task whose records are on a data branch, so workers and the CLI find them.
      `CREATE TABLE data_branch_tasks (
        task_id TEXT PRIMARY KEY,
        branch TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX data_branch_tasks_by_branch ON data_branch_tasks (branch)`,
      // Lives in a merge's target: each memory a merge brought in (or folded into a near-duplicate), so merging again adds nothing.
      `CREATE TABLE merged_memories (
        source_id TEXT PRIMARY KEY,
        target_id TEXT NOT NULL,
        source_branch TEXT NOT NULL,
        merged_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 6,
    name: 'task dependencies and plans',
    statements: () => [
      `CREATE TABLE task_dependencies (
        task_id TEXT NOT NULL REFERENCES tasks (id),
        depends_on TEXT NOT NULL REFERENCES tasks (id),
        PRIMARY KEY (task_id, depends_on)
      )`,
      `CREATE INDEX task_dependencies_by_dependency ON task_dependencies (depends_on)`,
      `CREATE TABLE plans (
        id TEXT PRIMARY KEY,
        goal TEXT NOT NULL,
        repo TEXT NOT NULL,
        base_branch TEXT NOT NULL,
        model_type TEXT NOT NULL,
        parallel INTEGER NOT NULL,
        failure_policy TEXT NOT NULL,
        status TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        failure_reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `ALTER TABLE tasks ADD COLUMN plan_id TEXT REFERENCES plans (id)`,
      `ALTER TABLE tasks ADD COLUMN plan_key TEXT`,
      `CREATE INDEX tasks_by_plan ON tasks (plan_id)`,
    ],
  },
  {
    version: 7,
    name: 'memories scoped by repository; attempt snapshots name the baseline they were judged against',
    statements: () => [
      `ALTER TABLE memories ADD COLUMN repo TEXT`,
      // A memory a task left belongs to that task's repository; the first provenance entry names the task.
      `UPDATE memories SET repo = (SELECT t.repo FROM tasks t WHERE t.id = json_extract(memories.provenance, '$[0].taskId'))
        WHERE json_valid(provenance) AND json_extract(memories.provenance, '$[0].taskId') IS NOT NULL`,
      `ALTER TABLE quality_snapshots ADD COLUMN baseline_id TEXT`,
    ],
  },
];

/**
 * Brings the schema up to date. Each migration and its version row go in one atomic batch, so
 * many workers starting at once apply each migration exactly once: a racing batch fails on the
 * already-created objects (or the version's primary key), rolls back whole, and finds it applied.
 * Batches run without awaiting between statements, which the synchronous local driver needs to
 * avoid lock waits inside one process.
 */
export async function migrate(db: Db, options: MigrationOptions): Promise<number[]> {
  const appliedVersions = async () =>
    new Set((await db.execute('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
  // An up-to-date schema is only read: a replica opened read-only while its primary is down still opens.
  const hasTable = await db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (hasTable.rows.length > 0) {
    const current = await appliedVersions();
    if (migrations.every((m) => current.has(m.version))) return [];
  }
  await db.execute(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = await appliedVersions();
  const newlyApplied: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    try {
      await db.batch(
        [
          ...migration.statements(options),
          {
            sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
            args: [migration.version, migration.name, new Date().toISOString()],
          },
        ],
        'write',
      );
      newlyApplied.push(migration.version);
    } catch (err) {
      if ((await appliedVersions()).has(migration.version)) continue;
      throw new Error(`migration ${migration.version} (${migration.name}) failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return newlyApplied;
}
