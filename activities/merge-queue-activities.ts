import { Context } from '@temporalio/activity';
import { z } from 'zod';
import { artifactId } from '../agent/attempt-outcome.js';
import { conflictFeedback } from '../agent/conflict-feedback.js';
import { collectBaseline } from '../quality/baseline.js';
import { runQualityGate } from '../quality/run-gate.js';
import { qualitySnapshotSchema, type QualitySnapshot } from '../quality/snapshot.js';
import { ENQUEUE_SIGNAL, MERGE_QUEUE_WORKFLOW, queueRound } from '../tasks/merge-queue.js';

export { QUEUE_ROUND_BASE } from '../tasks/merge-queue.js';
import { mergeQueueId } from '../tasks/merge-queue-id.js';
import { taskIdSchema } from '../tasks/task-spec.js';
import { changedFiles } from '../workspace/changed-files.js';
import { baseContains, combineOnBase, type CombinedBatch } from '../workspace/merge-batch.js';
import { filesWithConflictMarkers, mergeBaseKeepingConflicts } from '../workspace/merge-conflict.js';
import { RemoteRefusedError } from '../workspace/remote-error.js';
import { advanceBase, withDetachedCheckout } from '../workspace/worktree.js';
import { callerWorkflowId, loadTask, openWorkspace, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { gateConfinement, heartbeating, storedGate } from './gate-support.js';
import { killOrphanOfPreviousTry, withHeartbeat } from './heartbeat.js';

const sha = z.string().regex(/^[0-9a-f]{40}$/);
const attempt = z.number().int().min(1).max(100);
const taskAttempt = z.object({ taskId: taskIdSchema, attempt });
const batchRef = z.object({
  queueId: z.string().min(1),
  repo: z.string().min(1),
  baseBranch: z.string().min(1),
  /** The queue's batch number and the try within it (bisection halves, rebuilds): check runs are keyed by them. */
  batch: z.number().int().min(1),
  round: z.number().int().min(1),
});
const buildInput = batchRef.extend({ entries: z.array(taskAttempt.extend({ head: sha })).min(1) });
const testInput = batchRef.extend({ baseSha: sha, tip: sha, entries: z.array(taskAttempt).min(1) });
const landInput = batchRef.extend({
  baseSha: sha,
  tip: sha,
  entries: z.array(taskAttempt.extend({ head: sha, mergeCommit: sha })).min(1),
});
const conflictCheckInput = taskAttempt.extend({ files: z.array(z.string()) });

/** The remote refused what building the batch needs from it; `refused` is the server's reason. */
export interface RefusedBatch {
  refused: string;
}

export interface MergeBatchTest {
  passed: boolean;
  summary: string;
  /** Stored for the entry when the batch held only it (what its task's next attempt reads). */
  feedbackArtifactId: string | null;
}

const snapshotArtifactId = (queueId: string, tip: string) => `${queueId}@${tip}/snapshot`;

export function createMergeQueueActivities(deps: ActivityDeps) {
  const { store } = deps;
  /** The queue's inputs name several tasks: each one's records live in its own data (branch or main). */
  const inTask = <T>(taskId: string, work: () => Promise<T>): Promise<T> =>
    deps.inTaskData ? deps.inTaskData(taskId, work) : work();

  /** The baseline of the base commit the batch is built on, collected here when nobody has yet (e.g. a push by hand). */
  const baselineAt = async (taskId: string, repo: string, baseBranch: string, baseSha: string) => {
    const stored = await store.quality.getBaselineAt(repo, baseBranch, baseSha);
    if (stored) return stored.snapshot;
    const task = await loadTask(deps, taskId);
    const gate = await storedGate(deps, taskId);
    const snapshot = await withDetachedCheckout(
      repo,
      baseSha,
      deps.worktreesDir,
      async (dir) =>
        heartbeating({ step: 'baseline' }, async (watch) =>
          collectBaseline({ worktree: dir, gate, ...(await gateConfinement(deps, task, dir)) }, watch),
        ),
      deps.remotes,
    );
    await store.quality.setBaseline({ repo, branch: baseBranch, commitSha: baseSha, snapshot });
    return snapshot;
  };

  return {
    /**
     * Hands the task's checked head to its base branch's merge queue, starting the queue when it is
     * not running (signal-with-start: there is never a second one). The queue answers with a
     * `landingVerdict` signal; a retried enqueue is deduplicated by the queue.
     */
    enqueueForLanding: defineActivity(taskAttempt, async ({ taskId, attempt }) => {
      return withHeartbeat('enqueueForLanding', async () => {
        const ws = await openWorkspace(deps, taskId);
        const { task } = ws;
        await store.tasks.setStatus(taskId, 'merging', { attempt });
        const queueId = mergeQueueId(task.repo, task.baseBranch);
        const { info } = Context.current();
        await Context.current().client.workflow.signalWithStart(MERGE_QUEUE_WORKFLOW, {
          workflowId: queueId,
          taskQueue: info.taskQueue,
          args: [{ repo: task.repo, baseBranch: task.baseBranch, batchSize: deps.landing.batchSize }],
          signal: ENQUEUE_SIGNAL,
          signalArgs: [
            { taskId, attempt, priority: task.priority, head: ws.headSha, workflowId: callerWorkflowId(info) },
          ],
        });
        return { queueId, head: ws.headSha };
      });
    }),

    /** Builds the batch's combined commit (base tip + each entry merged in order), touching no worktree. */
    /**
     * For a remote, the combined commit is also pushed (scratch branch) and the heads fetched: a
     * remote refusing that (permission, a rule on branch names) is answered as `refused`, so the
     * queue fails its entries with the server's reason instead of building the batch again forever.
     */
    buildMergeBatch: defineActivity(
      buildInput,
      async ({ repo, baseBranch, entries }): Promise<CombinedBatch | RefusedBatch> => {
        return withHeartbeat('buildMergeBatch', async () => {
          const heads = [];
          for (const { taskId, attempt, head } of entries) {
            const task = await inTask(taskId, () => loadTask(deps, taskId));
            const message = `swarm: merge task ${task.id}: ${task.title}\n\nBranch ${task.branch}, attempt ${attempt}, landed by the merge queue.`;
            heads.push({ key: taskId, head, message });
          }
          try {
            return await combineOnBase(repo, baseBranch, heads, deps.remotes);
          } catch (err) {
            if (err instanceof RemoteRefusedError) return { refused: err.message };
            throw err;
          }
        });
      },
    ),

    /**
     * Runs the quality gate once on the combined commit (the gate the first entry's task fixed from
     * its base commit), compared with the baseline of the base commit. Check runs are stored under
     * (queue, batch, round), so a retry reruns nothing already stored.
     */
    testMergeBatch: defineActivity(testInput, async (input): Promise<MergeBatchTest> => {
      killOrphanOfPreviousTry();
      const { queueId, repo, baseBranch, batch, round, baseSha, tip, entries } = input;
      const first = entries[0]!;
      return inTask(first.taskId, async () => {
        const task = await loadTask(deps, first.taskId);
        const gate = await storedGate(deps, first.taskId);
        const baseline = await baselineAt(first.taskId, repo, baseBranch, baseSha);
        const outcome = await withDetachedCheckout(
          repo,
          tip,
          deps.worktreesDir,
          async (dir) => {
            const confinement = await gateConfinement(deps, task, dir);
            const changed = await changedFiles(dir, baseSha);
            return heartbeating({ batch, round }, (watch) =>
              runQualityGate(
                { worktree: dir, gate, baseline, changedFiles: changed, ...confinement },
                {
                  ...watch,
                  previousRuns: () => store.checkRuns.list(first.taskId, first.attempt, queueRound(tip)),
                  recordRun: (run) =>
                    store.checkRuns.record({
                      taskId: first.taskId,
                      attempt: first.attempt,
                      round: queueRound(tip),
                      ...run,
                    }),
                },
              ),
            );
          },
          deps.remotes,
        );
        await store.artifacts.put({
          id: snapshotArtifactId(queueId, tip),
          taskId: first.taskId,
          kind: 'queue-snapshot',
          content: JSON.stringify(outcome.snapshot),
        });
        const feedbackArtifactId =
          outcome.feedback !== null && entries.length === 1
            ? await store.artifacts.put({
                id: artifactId(first.taskId, first.attempt, 'queue-feedback'),
                taskId: first.taskId,
                kind: 'feedback',
                content: `The merge queue tested your change on the current ${baseBranch} (${baseSha.slice(0, 12)}) and it did not pass:\n\n${outcome.feedback}`,
              })
            : null;
        return { passed: outcome.passed, summary: outcome.summary, feedbackArtifactId };
      });
    }),

    /**
     * Lands a tested batch: moves the base ref from the commit it was built on to the combined commit
     * (compare-and-swap; a checked-out base is fast-forwarded) and stores the gate's snapshot as the
     * new baseline. Idempotent: when the base already contains the combined commit it reports merged.
     */
    landMergeBatch: defineActivity(landInput, async (input) => {
      return withHeartbeat('landMergeBatch', async () => {
        const { queueId, repo, baseBranch, batch, baseSha, tip, entries } = input;
        if (!(await baseContains(repo, baseBranch, tip, deps.remotes))) {
          const message = `swarm: merge queue batch ${batch} (${entries.map((e) => e.taskId).join(', ')})`;
          try {
            if ((await advanceBase(repo, baseBranch, baseSha, tip, message, deps.remotes)) === 'base_moved') {
              return { status: 'base_moved' as const };
            }
          } catch (err) {
            // A remote refusing the push (protected branch, hook, permission) fails the batch's tasks, never loops.
            if (err instanceof RemoteRefusedError) return { status: 'refused' as const, reason: err.message };
            throw err;
          }
        }
        const stored = await inTask(entries[0]!.taskId, () => store.artifacts.get(snapshotArtifactId(queueId, tip)));
        const snapshot: QualitySnapshot | null = stored ? qualitySnapshotSchema.parse(JSON.parse(stored)) : null;
        for (const { taskId, head, mergeCommit } of entries) {
          await inTask(taskId, async () => {
            if (snapshot) await store.quality.setBaseline({ repo, branch: baseBranch, commitSha: tip, snapshot });
            const task = await loadTask(deps, taskId);
            const branch = await store.branches.get(task.repo, task.branch);
            if (branch) await store.branches.upsert({ ...branch, headSha: head, status: 'merged', mergeCommit });
          });
        }
        return { status: 'merged' as const };
      });
    }),

    /**
     * After a conflict verdict: merges the current base into the task branch, committing the conflict
     * markers, and stores what the next attempt reads (each file with both sides, the base commits).
     */
    prepareConflictResolution: defineActivity(taskAttempt, async ({ taskId, attempt }) => {
      return withHeartbeat('prepareConflictResolution', async () => {
        const ws = await openWorkspace(deps, taskId);
        const { task } = ws;
        const merged = await mergeBaseKeepingConflicts(
          ws.worktreePath,
          task.repo,
          task.baseBranch,
          `${taskId}/${attempt}`,
        );
        if (merged.status === 'clean') return { status: 'clean' as const, files: [], feedbackArtifactId: null };
        const feedbackArtifactId = await store.artifacts.put({
          id: artifactId(taskId, attempt, 'conflict'),
          taskId,
          kind: 'feedback',
          content: conflictFeedback({ baseBranch: task.baseBranch, ...merged }),
        });
        return { status: 'conflict' as const, files: merged.files.map((f) => f.path), feedbackArtifactId };
      });
    }),

    /** The conflicted files whose markers the agent left; feedback naming them when any. */
    findConflictMarkers: defineActivity(conflictCheckInput, async ({ taskId, attempt, files }) => {
      return withHeartbeat('findConflictMarkers', async () => {
        const ws = await openWorkspace(deps, taskId);
        const remaining = await filesWithConflictMarkers(ws.worktreePath, files);
        if (remaining.length === 0) return { remaining, feedbackArtifactId: null };
        const feedbackArtifactId = await store.artifacts.put({
          id: artifactId(taskId, attempt, 'feedback'),
          taskId,
          kind: 'feedback',
          content: `Conflict markers are still in ${remaining.join(', ')}: resolve every conflict and remove the markers.\n\n${(await store.artifacts.get(artifactId(taskId, attempt - 1, 'conflict'))) ?? ''}`,
        });
        return { remaining, feedbackArtifactId };
      });
    }),
  };
}
