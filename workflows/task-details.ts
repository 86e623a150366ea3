import type { TaskWorkflowState } from './task-types.js';

const MAX_FAILURE_CHARS = 1_500;

const clip = (text: string, max: number) => (text.length > max ? text.slice(0, max - 1) + '…' : text);

/**
 * The task's current details for the Temporal Web UI (markdown): where it is, what its last turn
 * did, why it last failed, and when paused for its budget the exact commands that resume or end it.
 */
export function taskCurrentDetails(state: TaskWorkflowState): string {
  const lines = [
    `**status** ${state.status} · **attempt** ${state.attempt}/${state.maxAttempts} · **turn** ${state.turn} · **model** ${state.modelType}`,
  ];
  if (state.waitingFor?.length) lines.push(`**waiting for** ${state.waitingFor.join(', ')}`);
  if (state.lastTurnTools?.length) lines.push(`**last turn** ${clip(state.lastTurnTools.join(', '), 500)}`);
  if (state.status === 'awaiting_approval') {
    const { usedTokens, maxTokens, usedCostUsd, maxCostUsd } = state.budget;
    lines.push(
      `**paused: budget exceeded** (${usedTokens} tokens of ${maxTokens ?? 'unlimited'}, $${usedCostUsd.toFixed(4)} of ${maxCostUsd === null ? 'unlimited' : `$${maxCostUsd}`})`,
      `approve: \`swarm task approve ${state.taskId} [--add-tokens N] [--add-usd X]\` · reject: \`swarm task reject ${state.taskId} --reason "…"\``,
    );
  }
  if (state.conflictedFiles.length > 0) lines.push(`**resolving conflicts in** ${state.conflictedFiles.join(', ')}`);
  if (state.lastFailure) lines.push(`**last failure** ${clip(state.lastFailure, MAX_FAILURE_CHARS)}`);
  if (state.mergeCommit) lines.push(`**landed** ${state.mergeCommit}`);
  return lines.join('\n\n');
}
