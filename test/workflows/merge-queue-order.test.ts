import { describe, expect, it } from 'vitest';
import { landingOrder, type QueueEntry } from '../../workflows/merge-queue-workflow.js';

const entry = (taskId: string, priority: QueueEntry['priority'], seq: number): QueueEntry => ({
  taskId,
  attempt: 1,
  priority,
  head: taskId.padEnd(40, '0'),
  workflowId: `task-${taskId}`,
  seq,
});

describe('the merge queue’s landing order', () => {
  it('lands higher priority first, then in order of arrival', () => {
    const queued = [
      entry('a', 'medium', 1),
      entry('b', 'low', 2),
      entry('c', 'critical', 3),
      entry('d', 'medium', 4),
      entry('e', 'high', 5),
      entry('f', 'critical', 6),
    ];
    expect([...queued].sort(landingOrder).map((e) => e.taskId)).toEqual(['c', 'f', 'e', 'a', 'd', 'b']);
  });
});
