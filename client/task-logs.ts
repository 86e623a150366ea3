import { artifactId } from '../agent/attempt-outcome.js';
import { renderTranscript } from '../agent/transcript.js';
import type { Store } from '../db/index.js';
import { TaskInputError } from './task-input-error.js';

const section = (title: string, body: string) => `──── ${title} ────\n${body.trimEnd() || '(empty)'}\n`;

/**
 * Everything stored about one attempt of a task, as text: its prompt, the agent's transcript (of
 * the turns so far while it runs), each check's command and output, and the feedback it left.
 * Without `attempt`, the latest one.
 */
export async function taskLogs(store: Store, taskId: string, attempt?: number): Promise<string> {
  const task = await store.tasks.get(taskId);
  if (!task) throw new TaskInputError(`no task with id "${taskId}"`);
  const attempts = await store.attempts.listForTask(taskId);
  if (attempts.length === 0) return `task ${taskId} has no attempt yet (status ${task.status})`;
  const chosen = attempt === undefined ? attempts.at(-1)! : attempts.find((a) => a.attempt === attempt);
  if (!chosen)
    throw new TaskInputError(
      `task ${taskId} has no attempt ${attempt} (attempts: ${attempts.map((a) => a.attempt).join(', ')})`,
    );
  const n = chosen.attempt;
  const [prompt, transcript, feedback, checks] = await Promise.all([
    store.artifacts.get(chosen.promptArtifactId ?? artifactId(taskId, n, 'prompt')),
    chosen.transcriptArtifactId ? store.artifacts.get(chosen.transcriptArtifactId) : Promise.resolve(undefined),
    store.artifacts.get(artifactId(taskId, n, 'feedback')),
    store.checkRuns.list(taskId, n),
  ]);
  // A running attempt has no transcript artifact yet: its stored turns are the transcript so far.
  const soFar =
    transcript ??
    renderTranscript(
      '(see the prompt)',
      (await store.agentTurns.list(taskId, n)).flatMap((t) => t.messages),
    );
  const parts = [
    `task ${taskId}: ${task.title}\nattempt ${n} of ${attempts.length}: ${chosen.status}${chosen.summary ? ` — ${chosen.summary}` : ''}\n`,
    section('prompt', prompt ?? '(not stored yet)'),
    section(transcript ? 'transcript' : 'transcript (turns so far)', soFar),
    ...checks.map((c) =>
      section(
        `check ${c.name}${c.round > 1 ? ` (re-check ${c.round - 1})` : ''}: $ ${c.command} → ${c.passed ? 'pass' : 'FAIL'}, exit ${c.exitCode ?? (c.timedOut ? 'timeout' : 'killed')}, ${c.durationMs} ms`,
        c.output + (c.outputTruncated ? '\n… (output truncated)' : ''),
      ),
    ),
  ];
  if (feedback) parts.push(section('feedback for the next attempt', feedback));
  return parts.join('\n');
}
