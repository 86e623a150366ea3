import { SwarmError } from '../errors/swarm-error.js';
import { costOf, type CallUsage } from '../models/usage.js';
import { git } from '../workspace/git.js';
import { commitAll } from '../workspace/worktree.js';
import type { AgentDeps } from './agent-deps.js';
import type { AttemptContext, AttemptRequest } from './attempt-context.js';
import type { AttemptOutcome } from './attempt-outcome.js';
import { buildAttemptPrompt, savePromptArtifact } from './attempt-prompt.js';
import { markAttemptRunning } from './mark-attempt-running.js';
import { recordAttemptOutcome } from './record-attempt-outcome.js';
import { checkpointMessage, rewindBeforeTurn, saveAttemptStart, storedTurn } from './turn-checkpoint.js';

/** The provider refused the CLI's credentials: a configuration problem, never retried. */
export class CliAuthError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'CliAuthError';
}

export interface CliAttemptResult {
  outcome: AttemptOutcome;
  usage: CallUsage;
}

/** A CLI attempt is checkpointed like one turn of the loop: turn 0 is its start, turn 1 its run. */
const CLI_TURN = 1;

/**
 * One whole attempt by a coding-agent CLI, which runs its own loop: the prompt, the CLI run, its
 * usage, one commit of its work on the task branch, and the attempt's outcome. Its effects happen
 * once (turn-checkpoint.ts): a retry of an attempt whose outcome is stored returns it without running
 * the CLI; any other retry starts over from the attempt's start, dropping what an earlier try left
 * (its commit too, when only the outcome's write was lost), so the CLI never runs on top of itself.
 */
export async function runCliAttempt(
  deps: AgentDeps,
  request: AttemptRequest,
  context: AttemptContext,
): Promise<CliAttemptResult> {
  const { store } = deps;
  const { task, attempt, modelType, worktreePath } = request;
  const runtime = deps.models.get(modelType);
  if (runtime.mode !== 'single') throw new Error(`model type ${modelType} runs as an agent loop, not as a CLI`);
  const stored = await storedTurn(store, task.id, attempt, CLI_TURN);
  if (stored?.outcome) return { outcome: stored.outcome, usage: stored.usage };
  await markAttemptRunning(deps, request, true);

  const dropped = await rewindBeforeTurn(store, worktreePath, task.id, attempt, CLI_TURN);
  if (dropped.length > 0) context.heartbeat({ message: `dropped the commit of an earlier try: ${dropped.join(', ')}` });
  const prompt = await buildAttemptPrompt(deps, request);
  await savePromptArtifact(store, task.id, attempt, prompt);
  await saveAttemptStart(store, request, { role: 'user', text: prompt.user });
  context.heartbeat({ message: 'starting' });
  const result = await runtime.adapter.run(
    { task, attempt, worktreePath, prompt },
    {
      signal: context.signal,
      heartbeat: (p) => context.heartbeat(p),
      sandbox: context.sandbox,
    },
  );
  // The CLI's own reported cost (Claude Code's total_cost_usd) beats an estimate from list prices.
  const costUsd = result.costUsd ?? costOf(result.usage, runtime.pricing);
  const usage: CallUsage = { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, costUsd };
  await store.modelCalls.record({
    taskId: task.id,
    attempt,
    turn: CLI_TURN,
    try: context.tryNumber,
    modelType,
    provider: runtime.adapter.kind,
    model: result.model ?? modelType,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd: usage.costUsd,
  });
  const message = checkpointMessage(
    `swarm(${task.id}): attempt ${attempt}: ${task.title}\n\n${deps.store.redactor.redact(result.summary)}`,
    task.id,
    attempt,
    CLI_TURN,
  );
  const commit = await commitAll(worktreePath, message);
  const outcome = await recordAttemptOutcome(store, task.id, attempt, {
    status: result.status,
    summary: result.summary,
    transcript: result.transcript,
    filesChanged: commit?.files ?? [],
    commitSha: commit?.sha ?? null,
    usage: result.usage,
  });
  // The provider refused the credentials: no other attempt can succeed, so the task fails at once.
  if (result.authFailure) throw new CliAuthError(`${runtime.adapter.kind} could not authenticate: ${result.summary}`);
  // The attempt's last write: once it is stored, a retry returns this outcome instead of running the CLI again.
  await store.agentTurns.save({
    taskId: task.id,
    attempt,
    turn: CLI_TURN,
    modelType,
    messages: [{ role: 'assistant', text: result.summary, toolCalls: [] }],
    checkpointSha: commit?.sha ?? (await git(worktreePath, ['rev-parse', 'HEAD'])),
    done: true,
    result: { usage, outcome },
  });
  return { outcome, usage };
}
