/**
 * Pure helpers between tasks and memories: the text a task recalls memories with, and the memories a
 * finished task leaves behind. No I/O; the caller reads the task, attempts and feedback from the store.
 */
import { digestFeedback } from './failure-digest.js';
import { MAX_CONTENT_CHARS, type MemoryInput } from './types.js';

export interface TaskForMemory {
  id: string;
  title: string;
  description: string;
  skills: string[];
}

const QUERY_DESCRIPTION_CHARS = 3_000;
const SUMMARY_CHARS = 600;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const listOf = (items: string[], max = 10) =>
  items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');

/** The text to recall memories for a task with: its title, the start of its description, its skills. */
export function memoryQueryForTask(task: Pick<TaskForMemory, 'title' | 'description' | 'skills'>): string {
  const parts = [task.title.trim(), clip(task.description.trim(), QUERY_DESCRIPTION_CHARS)];
  if (task.skills.length > 0) parts.push(`Skills: ${task.skills.join(', ')}`);
  return clip(parts.filter(Boolean).join('\n\n'), MAX_CONTENT_CHARS);
}

export interface AttemptForMemory {
  attempt: number;
  /** The attempt's final status (db/attempts-repository.ts AttemptStatus), e.g. `checks_failed`. */
  status: string;
  /** The agent's one- or two-line summary of what it did. */
  summary: string | null;
  filesChanged: string[];
  commitSha: string | null;
  /**
   * The feedback this attempt's failure produced — the `<task>/<attempt>/feedback` artifact, i.e.
   * the text the next attempt received — or null when it did not fail.
   */
  feedback: string | null;
}

export interface TaskOutcomeForMemory {
  task: TaskForMemory;
  /** The branch the lessons apply to: usually the base branch the work landed on (or aimed at); null for every branch. */
  branch: string | null;
  /** The repository (top-level path) the lessons apply to: a branch name alone is shared by every repository. */
  repo: string;
  attempts: AttemptForMemory[];
  finalStatus: 'succeeded' | 'failed' | 'cancelled';
  mergeCommit?: string | null;
}

/**
 * What a finished task teaches, as memory inputs for `storeMany`:
 * - succeeded: a `solution_pattern` — what changed (summary, files, commit) and why (the task);
 * - each failed attempt followed by a later one: an `error_pattern` — the failure (checks, error lines,
 *   failing tests) and how the next attempt fixed it (or that it did not);
 * - failed for good: a `learning` — what was tried and the last failure, so others can avoid it.
 * A cancelled task teaches only its fixed errors. Repeats across tasks merge through the store's dedup.
 */
export function learningsFromTask(outcome: TaskOutcomeForMemory): MemoryInput[] {
  const { task, branch, repo } = outcome;
  const attempts = [...outcome.attempts].sort((a, b) => a.attempt - b.attempt);
  const tags = [...new Set(task.skills)].slice(0, 20);
  const why = `Task "${task.title}": ${clip(task.description.trim().split('\n\n')[0] ?? '', 300)}`;
  const memories: MemoryInput[] = [];

  attempts.forEach((failed, i) => {
    if (!failed.feedback) return;
    const digest = digestFeedback(failed.feedback);
    const next = attempts[i + 1];
    const fixed = next !== undefined && next.feedback === null && outcome.finalStatus === 'succeeded';
    const lines = [
      `${why}`,
      `Attempt ${failed.attempt} failed${digest.checks.length ? ` the ${listOf(digest.checks)} check(s)` : ''}` +
        (failed.summary ? ` after: ${clip(failed.summary, SUMMARY_CHARS)}` : '.'),
      ...(digest.errors.length ? [`Errors: ${digest.errors.join(' / ')}`] : []),
      ...(digest.failingTests.length ? [`Failing tests: ${listOf(digest.failingTests)}`] : []),
      next
        ? `${fixed ? 'Fixed' : 'Next tried'} in attempt ${next.attempt}: ${clip(next.summary ?? '(no summary)', SUMMARY_CHARS)}` +
          (next.filesChanged.length ? ` (files: ${listOf(next.filesChanged)})` : '')
        : 'Not fixed: no later attempt.',
    ];
    memories.push({
      type: 'error_pattern',
      content: clip(lines.join('\n'), MAX_CONTENT_CHARS),
      importance: fixed ? 0.8 : 0.6,
      tags: [...new Set([...tags, ...digest.checks, fixed ? 'fixed' : 'unresolved'])].slice(0, 32),
      branch,
      repo,
      provenance: {
        taskId: task.id,
        attempt: failed.attempt,
        ...(failed.commitSha ? { commit: failed.commitSha } : {}),
        ...(failed.filesChanged.length ? { filesTouched: failed.filesChanged.slice(0, 500) } : {}),
        ...(digest.signature ? { failureSignature: digest.signature } : {}),
      },
    });
  });

  const last = attempts.at(-1);
  if (outcome.finalStatus === 'succeeded' && last) {
    const commit = outcome.mergeCommit ?? last.commitSha;
    memories.push({
      type: 'solution_pattern',
      content: clip(
        [
          why,
          `Solved in ${attempts.length} attempt(s)${commit ? ` (commit ${commit.slice(0, 10)})` : ''}: ${clip(last.summary ?? '(no summary)', SUMMARY_CHARS)}`,
          ...(last.filesChanged.length ? [`Files changed: ${listOf(last.filesChanged, 20)}`] : []),
        ].join('\n'),
        MAX_CONTENT_CHARS,
      ),
      importance: 0.6,
      tags: [...new Set([...tags, 'solution'])].slice(0, 32),
      branch,
      repo,
      provenance: {
        taskId: task.id,
        attempt: last.attempt,
        ...(commit ? { commit } : {}),
        ...(last.filesChanged.length ? { filesTouched: last.filesChanged.slice(0, 500) } : {}),
      },
    });
  }

  if (outcome.finalStatus === 'failed' && last) {
    const lastDigest = last.feedback ? digestFeedback(last.feedback) : null;
    memories.push({
      type: 'learning',
      content: clip(
        [
          why,
          `Failed after ${attempts.length} attempt(s). Tried: ${attempts.map((a) => `(${a.attempt}) ${clip(a.summary ?? 'no summary', 200)}`).join(' ')}`,
          ...(lastDigest?.errors.length ? [`Last errors: ${lastDigest.errors.join(' / ')}`] : []),
          ...(lastDigest?.failingTests.length ? [`Still failing: ${listOf(lastDigest.failingTests)}`] : []),
        ].join('\n'),
        MAX_CONTENT_CHARS,
      ),
      importance: 0.5,
      tags: [...new Set([...tags, 'failed-task'])].slice(0, 32),
      branch,
      repo,
      provenance: {
        taskId: task.id,
        attempt: last.attempt,
        ...(last.commitSha ? { commit: last.commitSha } : {}),
        ...(lastDigest?.signature ? { failureSignature: lastDigest.signature } : {}),
      },
    });
  }
  return memories;
}
