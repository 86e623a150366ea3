import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { RunAgentResult } from '../activities/agent-activities.js';
import type { Activities } from '../activities/index.js';
import type { TaskStatus } from '../tasks/task.js';
import { JetpackAttempt, JetpackStatus } from './search-attributes.js';

export interface TaskWorkflowInput {
  taskId: string;
  maxAttempts: number;
}

export interface TaskWorkflowState {
  taskId: string;
  status: TaskStatus;
  attempt: number;
  maxAttempts: number;
  /** Short text of the latest failure (details live in libSQL). */
  lastFailure: string | null;
  mergeCommit: string | null;
}

export interface TaskWorkflowResult {
  taskId: string;
  status: 'succeeded';
  attempts: number;
  mergeCommit: string | null;
}

export const statusQuery = defineQuery<TaskWorkflowState>('status');

/** How often the base branch may move under a passing task before it gives up. */
export const MAX_BASE_SYNC_ROUNDS = 5;

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' } as const;

const { prepareWorkspace, landChanges, cleanupWorkspace, recordResult } = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '1m',
  retry: { ...retry, maximumAttempts: 10 },
});

// Long steps: on cancel, wait until the activity has really stopped (its processes killed)
// before the workflow goes on to clean up the worktree under it.
const { runAgent } = proxyActivities<Activities>({
  startToCloseTimeout: '2h',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  heartbeatTimeout: '30s',
  retry: { ...retry, maximumAttempts: 5 },
});

const { runChecks } = proxyActivities<Activities>({
  startToCloseTimeout: '2h',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  heartbeatTimeout: '10s',
  retry: { ...retry, maximumAttempts: 5 },
});

/**
 * One development task: worktree → agent → checks → (feedback and retry) → land on base → result.
 * Deterministic orchestration only; every side effect is an activity, every large output an id.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskWorkflowResult> {
  const { taskId, maxAttempts } = input;
  const state: TaskWorkflowState = { taskId, status: 'queued', attempt: 0, maxAttempts, lastFailure: null, mergeCommit: null };
  setHandler(statusQuery, () => state);

  const moveTo = (status: TaskStatus) => {
    state.status = status;
    upsertSearchAttributes([
      { key: JetpackStatus, value: status },
      { key: JetpackAttempt, value: state.attempt },
    ]);
  };

  const finish = async (status: 'succeeded' | 'failed' | 'cancelled', summary: string, failureReason: string | null) => {
    moveTo(status);
    await recordResult({ taskId, status, attempts: state.attempt, mergeCommit: state.mergeCommit, summary, failureReason });
    await cleanupWorkspace({ taskId });
  };

  try {
    moveTo('preparing');
    await prepareWorkspace({ taskId });

    let feedbackArtifactId: string | null = null;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      state.attempt = attempt;
      moveTo('running_agent');
      const agent: RunAgentResult = await runAgent({ taskId, attempt, feedbackArtifactId });
      if (agent.status === 'failed') {
        state.lastFailure = `attempt ${attempt}: agent failed: ${agent.summary}`;
        feedbackArtifactId = agent.feedbackArtifactId;
        continue;
      }

      const landing = await checkAndLand(taskId, attempt, moveTo);
      if (landing.status === 'merged') {
        state.mergeCommit = landing.mergeCommit;
        await finish('succeeded', `landed after ${attempt} attempt(s): ${agent.summary}`, null);
        return { taskId, status: 'succeeded', attempts: attempt, mergeCommit: landing.mergeCommit };
      }
      state.lastFailure = `attempt ${attempt}: ${landing.reason}`;
      if (landing.status === 'fatal') break;
      feedbackArtifactId = landing.feedbackArtifactId;
    }

    const reason = `gave up after ${state.attempt} of ${maxAttempts} attempt(s); last failure: ${state.lastFailure ?? 'unknown'}`;
    await finish('failed', reason, reason);
    throw ApplicationFailure.nonRetryable(reason, 'TaskFailed');
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => finish('cancelled', 'cancelled by request', 'cancelled'));
    }
    throw err;
  }
}

type Landing =
  | { status: 'merged'; mergeCommit: string | null }
  | { status: 'retry'; reason: string; feedbackArtifactId: string | null }
  | { status: 'fatal'; reason: string };

/** Runs the checks and lands; when the base moved meanwhile, merges it in and checks again. */
async function checkAndLand(taskId: string, attempt: number, moveTo: (s: TaskStatus) => void): Promise<Landing> {
  for (let round = 1; round <= MAX_BASE_SYNC_ROUNDS; round++) {
    moveTo('checking');
    const checks = await runChecks({ taskId, attempt, round });
    if (!checks.passed) {
      const after = round > 1 ? ' after merging the updated base branch' : '';
      return { status: 'retry', reason: `checks failed${after}: ${checks.summary}`, feedbackArtifactId: checks.feedbackArtifactId };
    }
    moveTo('merging');
    const landed = await landChanges({ taskId, attempt });
    if (landed.status === 'merged') return landed;
    if (landed.status === 'conflict') {
      return { status: 'fatal', reason: `merge conflict with the base branch in: ${landed.files.join(', ')}` };
    }
  }
  return { status: 'fatal', reason: `the base branch kept moving; gave up after ${MAX_BASE_SYNC_ROUNDS} re-checks` };
}
