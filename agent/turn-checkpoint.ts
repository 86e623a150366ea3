import type { Store } from '../db/index.js';
import type { ChatMessage } from '../models/messages.js';
import { git } from '../workspace/git.js';
import { resetToCheckpoint } from '../workspace/worktree.js';
import type { AttemptRequest } from './attempt-context.js';
import type { TurnOutcome } from './run-turn.js';

/**
 * Exactly-once effects per turn, keyed by (task, attempt, turn). A turn's effect is its checkpoint:
 * a commit on the task branch (carrying the trailer `Swarm-Turn: <task>/<attempt>/<turn>`) and then
 * its agent_turns row, which stores the checkpoint's sha with what the turn returned. The row is the
 * last write of a turn, so:
 * - a turn whose row is stored is done: a retry (its completion was lost) returns the stored result;
 * - a turn without a row starts again from the checkpoint the previous turn stored, dropping what an
 *   earlier try left behind, including its commit when only the row's write was lost.
 */

/** Turn 0 holds the attempt's starting point: the task prompt and the branch head it began from. */
export const START_TURN = 0;

const TURN_TRAILER = 'Swarm-Turn';
const turnKey = (taskId: string, attempt: number, turn: number) => `${taskId}/${attempt}/${turn}`;

/** A checkpoint commit's message: `message`, then the trailer naming the turn. */
export const checkpointMessage = (message: string, taskId: string, attempt: number, turn: number): string =>
  `${message.trimEnd()}\n\n${TURN_TRAILER}: ${turnKey(taskId, attempt, turn)}`;

/** What a stored turn returned; null when the turn has not finished (or its row predates stored results). */
export async function storedTurn(
  store: Store,
  taskId: string,
  attempt: number,
  turn: number,
): Promise<TurnOutcome | null> {
  const row = await store.agentTurns.get(taskId, attempt, turn);
  return row?.result
    ? { done: row.done, usage: row.result.usage, outcome: row.result.outcome, tools: row.result.tools ?? [] }
    : null;
}

/**
 * Before a turn runs, on its first try or a retry: the worktree and the task branch go back to the
 * checkpoint the previous turn stored (turn 0: the attempt's start; before turn 0 is stored, the
 * attempt starts at HEAD), never to whatever HEAD an earlier try left. Returns the commits of earlier
 * tries of this turn that were dropped (found by their trailer).
 */
export async function rewindBeforeTurn(
  store: Store,
  worktree: string,
  taskId: string,
  attempt: number,
  turn: number,
): Promise<string[]> {
  const previous = await store.agentTurns.get(taskId, attempt, turn - 1);
  if (!previous && turn - 1 !== START_TURN) {
    throw new Error(`task ${taskId} attempt ${attempt}: turn ${turn} has no stored turn ${turn - 1} to start from`);
  }
  const dropped = await resetToCheckpoint(worktree, previous?.checkpointSha ?? 'HEAD', TURN_TRAILER);
  const key = turnKey(taskId, attempt, turn);
  return dropped.filter((c) => c.trailers.includes(key)).map((c) => c.sha);
}

/** Stores turn 0: the attempt's first message and HEAD, where the attempt starts (rewindBeforeTurn has put it there). */
export async function saveAttemptStart(
  store: Store,
  request: AttemptRequest,
  firstMessage: ChatMessage,
): Promise<void> {
  await store.agentTurns.save({
    taskId: request.task.id,
    attempt: request.attempt,
    turn: START_TURN,
    modelType: request.modelType,
    messages: [firstMessage],
    checkpointSha: await git(request.worktreePath, ['rev-parse', 'HEAD']),
    done: false,
    result: null,
  });
}
