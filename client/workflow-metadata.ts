import type { Task } from '../tasks/task.js';

const DESCRIPTION_HEAD_CHARS = 600;
const SUMMARY_CHARS = 200;

/** One line, markdown-inert enough for the Web UI: control characters and newlines become spaces. */
const oneLine = (text: string, max: number) => {
  const flat = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
};

/**
 * What the Temporal Web UI shows of a task's workflow from its start: the title as the static
 * summary (the workflow list's "summary" column and the page header), and the details (repository,
 * branches, priority, model, skills, the description's head) as markdown.
 */
export function workflowStartMetadata(task: Task): { staticSummary: string; staticDetails: string } {
  const head = task.description.trim();
  const description = head.length > DESCRIPTION_HEAD_CHARS ? head.slice(0, DESCRIPTION_HEAD_CHARS - 1) + '…' : head;
  return {
    staticSummary: oneLine(task.title, SUMMARY_CHARS),
    staticDetails: [
      `**repo** ${oneLine(task.repo, 500)}`,
      `**branch** ${oneLine(task.branch, 200)} → ${oneLine(task.baseBranch, 200)}`,
      `**priority** ${task.priority} · **model** ${oneLine(task.modelType, 100)} · **skills** ${oneLine(task.skills.join(', ') || '-', 300)}`,
      `**max attempts** ${task.maxAttempts}`,
      '',
      description,
    ].join('\n'),
  };
}
