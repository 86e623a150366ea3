import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { mergeQueueId } from '../tasks/merge-queue-id.js';
import type { MergeQueueState } from '../workflows/merge-queue-workflow.js';
import { queueStateQuery } from '../workflows/merge-queue-workflow.js';

export interface QueueView {
  queueId: string;
  repo: string;
  baseBranch: string;
  /** running: answering queries; ended: idle long enough to stop (the next enqueue starts it again); none: never started. */
  status: 'running' | 'ended' | 'none';
  state: MergeQueueState | null;
}

/** The merge queue of (repo, branch) as its workflow reports it. */
export async function showQueue(temporal: Client, repo: string, baseBranch: string): Promise<QueueView> {
  const queueId = mergeQueueId(repo, baseBranch);
  const handle = temporal.workflow.getHandle(queueId);
  try {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return { queueId, repo, baseBranch, status: 'ended', state: null };
    return { queueId, repo, baseBranch, status: 'running', state: await handle.query(queueStateQuery) };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { queueId, repo, baseBranch, status: 'none', state: null };
    throw err;
  }
}

export function formatQueue(view: QueueView): string {
  const head = `merge queue ${view.queueId} (${view.repo}, ${view.baseBranch})`;
  if (!view.state) {
    return view.status === 'none'
      ? `${head}: not started yet (the first task whose gate passes starts it)`
      : `${head}: idle and stopped (the next task whose gate passes starts it again)`;
  }
  const { entries, underTest, phase, batchSize, batches, landed } = view.state;
  const lines = [
    `${head}: ${phase}; batch size ${batchSize}; ${batches} batch(es) so far, ${landed} landed`,
    underTest.length > 0 ? `batch under test: ${underTest.join(', ')}` : 'batch under test: none',
  ];
  if (entries.length === 0) lines.push('no entries waiting');
  else {
    lines.push('position  task          attempt  priority  head');
    entries.forEach((e, i) =>
      lines.push(
        `${String(i + 1).padEnd(9)} ${e.taskId.padEnd(13)} ${String(e.attempt).padEnd(8)} ${e.priority.padEnd(9)} ${e.head.slice(0, 12)}${underTest.includes(e.taskId) ? '  (testing)' : ''}`,
      ),
    );
  }
  return lines.join('\n');
}
