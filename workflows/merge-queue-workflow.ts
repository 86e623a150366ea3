import {
  ActivityFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning-behavior.js';
import type { Activities } from '../activities/index.js';
import { ENQUEUE_SIGNAL, type LandingVerdict, type QueueEntryRequest } from '../tasks/merge-queue.js';
import { PRIORITIES } from '../tasks/task.js';
import { DEFAULT_OUTAGE_WINDOW_MINUTES, triesWithin } from './task-activities.js';
import { landingVerdictSignal } from './task-workflow.js';

export interface QueueEntry extends QueueEntryRequest {
  /** Arrival order: ties in priority land first come, first served. */
  seq: number;
}

export interface MergeQueueInput {
  repo: string;
  baseBranch: string;
  batchSize: number;
  /** Continue as new past this many history events (default 2,000); lowered only by tests. */
  continueAsNewAfterEvents?: number;
  /** Without entries for this long the queue ends (the next enqueue starts it again). Default 10 minutes. */
  idleMinutes?: number;
  /** Set when the queue continued as new: what it carries over. */
  carried?: { entries: QueueEntry[]; nextSeq: number; batches: number; landed: number };
}

export interface MergeQueueState {
  repo: string;
  baseBranch: string;
  batchSize: number;
  /** Waiting entries in landing order (priority, then arrival). */
  entries: QueueEntry[];
  /** The entries whose combined commit is being built, tested or landed. */
  underTest: string[];
  /** What the queue is doing now, for `swarm queue show`. */
  phase: 'idle' | 'building' | 'testing' | 'landing';
  batches: number;
  landed: number;
}

export const enqueueSignal = defineSignal<[QueueEntryRequest]>(ENQUEUE_SIGNAL);
export const queueStateQuery = defineQuery<MergeQueueState>('queueState');

const CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;

const rank = (e: QueueEntry) => -PRIORITIES.indexOf(e.priority);
/** Landing order: higher priority first, then arrival. */
export const landingOrder = (a: QueueEntry, b: QueueEntry) => rank(a) - rank(b) || a.seq - b.seq;

function queueSteps() {
  const retry = {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: triesWithin(DEFAULT_OUTAGE_WINDOW_MINUTES, 30),
  } as const;
  const short = proxyActivities<Activities>({ startToCloseTimeout: '5m', heartbeatTimeout: '30s', retry });
  const long = proxyActivities<Activities>({ startToCloseTimeout: '2h', heartbeatTimeout: '10s', retry });
  return {
    buildMergeBatch: short.buildMergeBatch,
    testMergeBatch: long.testMergeBatch,
    landMergeBatch: short.landMergeBatch,
  };
}

// Long-lived: it moves to the current build at its next workflow task, so changes to it must replay (patched()).
declareVersioningBehavior('AUTO_UPGRADE', mergeQueueWorkflow);

/**
 * The merge queue of one base branch: the only thing that lands on it. Tasks whose gate passed
 * enqueue themselves (signal-with-start); the queue tests up to `batchSize` of them at once on the
 * combined commit, lands them with one compare-and-swap, bisects a failing batch to send the
 * breaking entry back, and answers every entry with a `landingVerdict` signal. Losing a race to a
 * push by hand only means building again; no entry fails for it.
 */
export async function mergeQueueWorkflow(input: MergeQueueInput): Promise<void> {
  const { repo, baseBranch, batchSize } = input;
  const steps = queueSteps();
  const state: MergeQueueState = {
    repo,
    baseBranch,
    batchSize,
    entries: input.carried?.entries ?? [],
    underTest: [],
    phase: 'idle',
    batches: input.carried?.batches ?? 0,
    landed: input.carried?.landed ?? 0,
  };
  let nextSeq = input.carried?.nextSeq ?? 1;
  const queueId = workflowInfo().workflowId;

  setHandler(queueStateQuery, () => state);
  setHandler(enqueueSignal, (request) => {
    // A retried enqueue (same task and head) is one entry; a newer head of the task replaces an older one.
    const existing = state.entries.findIndex((e) => e.taskId === request.taskId);
    if (existing !== -1 && state.entries[existing]!.head === request.head) return;
    if (existing !== -1) state.entries.splice(existing, 1);
    state.entries.push({ ...request, seq: nextSeq++ });
    state.entries.sort(landingOrder);
  });

  const settle = async (entry: QueueEntry, verdict: LandingVerdict) => {
    state.entries = state.entries.filter((e) => !(e.taskId === entry.taskId && e.head === entry.head));
    if (verdict.status === 'merged') state.landed++;
    try {
      await getExternalWorkflowHandle(entry.workflowId).signal(landingVerdictSignal, verdict);
    } catch (err) {
      // The task is gone (cancelled or terminated): nobody waits for this verdict.
      log.warn('could not deliver a landing verdict', { taskId: entry.taskId, error: (err as Error).message });
    }
  };
  const ref = (e: QueueEntry) => ({ taskId: e.taskId, attempt: e.attempt });
  const about = (e: QueueEntry) => ({ ...ref(e), head: e.head });

  /**
   * Tests `batch` combined on the base and lands it; when it fails, tests its halves in turn (each on
   * the base as the previous half left it) until the breaking entry is alone and sent back.
   */
  const testAndLand = async (batch: QueueEntry[], number: number, round: { n: number }): Promise<void> => {
    const common = { queueId, repo, baseBranch, batch: number };
    state.underTest = batch.map((e) => e.taskId);
    state.phase = 'building';
    const built = await steps.buildMergeBatch({
      ...common,
      round: ++round.n,
      entries: batch.map((e) => ({ ...ref(e), head: e.head })),
    });
    if ('refused' in built) {
      await Promise.all(
        batch.map((entry) => settle(entry, { ...about(entry), status: 'refused', reason: built.refused })),
      );
      return;
    }
    const combined: Array<{ entry: QueueEntry; mergeCommit: string }> = [];
    const answered: Array<Promise<void>> = [];
    for (const head of built.heads) {
      const entry = batch.find((e) => e.taskId === head.key)!;
      if (head.status === 'combined') combined.push({ entry, mergeCommit: head.mergeCommit });
      else if (head.status === 'already_merged') {
        answered.push(settle(entry, { ...about(entry), status: 'merged', mergeCommit: head.mergeCommit }));
      } else if (head.status === 'conflict') {
        answered.push(
          settle(entry, { ...about(entry), status: 'conflict', files: head.files, baseCommits: head.baseCommits }),
        );
      }
      // Deferred entries stay queued: they conflict only with an entry landing now.
    }
    await Promise.all(answered);
    if (combined.length === 0) return;
    const entries = combined.map((c) => ref(c.entry));
    state.underTest = entries.map((e) => e.taskId);
    state.phase = 'testing';
    const tested = { ...common, round: round.n, baseSha: built.baseSha, tip: built.tip, entries };
    const test = await steps.testMergeBatch(tested);
    if (test.passed) {
      state.phase = 'landing';
      const landed = await steps.landMergeBatch({
        ...tested,
        entries: combined.map(({ entry, mergeCommit }) => ({ ...about(entry), mergeCommit })),
      });
      // The base moved under the batch (a push by hand): its entries stay queued and are built again.
      if (landed.status === 'base_moved') return;
      if (landed.status === 'refused') {
        await Promise.all(
          combined.map(({ entry }) => settle(entry, { ...about(entry), status: 'refused', reason: landed.reason })),
        );
        return;
      }
      // Every verdict of the batch goes out in one workflow task.
      await Promise.all(
        combined.map(({ entry, mergeCommit }) => settle(entry, { ...about(entry), status: 'merged', mergeCommit })),
      );
      return;
    }
    if (combined.length === 1) {
      const { entry } = combined[0]!;
      const reason = `the merge queue's gate failed on ${baseBranch} with this change: ${test.summary}`;
      await settle(entry, { ...about(entry), status: 'rejected', reason, feedbackArtifactId: test.feedbackArtifactId });
      return;
    }
    const half = Math.ceil(combined.length / 2);
    const still = (part: typeof combined) =>
      part.map((c) => c.entry).filter((e) => state.entries.some((q) => q.taskId === e.taskId && q.head === e.head));
    await testAndLand(still(combined.slice(0, half)), number, round);
    const rest = still(combined.slice(half));
    if (rest.length > 0) await testAndLand(rest, number, round);
  };

  const idle = `${input.idleMinutes ?? 10}m` as const;
  for (;;) {
    if (workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS)) {
      await continueAsNew<typeof mergeQueueWorkflow>({
        ...input,
        carried: { entries: state.entries, nextSeq, batches: state.batches, landed: state.landed },
      });
    }
    state.phase = 'idle';
    state.underTest = [];
    if (!(await condition(() => state.entries.length > 0, idle))) return;
    const batch = state.entries.slice(0, batchSize);
    state.batches++;
    try {
      await testAndLand(batch, state.batches, { n: 0 });
    } catch (err) {
      // A step failed for good (e.g. a task row gone): the batch is tried again later, never dropped.
      if (!(err instanceof ActivityFailure)) throw err;
      log.error('merge queue batch failed; retrying', { error: err.cause?.message ?? err.message });
      await condition(() => false, '30s');
    }
  }
}
