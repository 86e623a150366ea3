import { costOf, type CallUsage } from '../models/usage.js';
import { commitAll } from '../workspace/worktree.js';
import type { AgentDeps } from './agent-deps.js';
import type { AttemptContext, AttemptRequest } from './attempt-context.js';
import type { AttemptOutcome } from './attempt-outcome.js';
import { buildAttemptPrompt, savePromptArtifact } from './attempt-prompt.js';
import { markAttemptRunning } from './mark-attempt-running.js';
import { recordAttemptOutcome } from './record-attempt-outcome.js';

export interface CliAttemptResult {
  outcome: AttemptOutcome;
  usage: CallUsage;
}

/**
 * One whole attempt by a coding-agent CLI, which runs its own loop: the prompt, the CLI run, its
 * usage, one commit of its work on the task branch, and the attempt's outcome.
 */
export async function runCliAttempt(deps: AgentDeps, request: AttemptRequest, context: AttemptContext): Promise<CliAttemptResult> {
  const { store } = deps;
  const { task, attempt, modelType, worktreePath } = request;
  const runtime = deps.models.get(modelType);
  if (runtime.mode !== 'single') throw new Error(`model type ${modelType} runs as an agent loop, not as a CLI`);
  await markAttemptRunning(deps, request, true);

  const prompt = await buildAttemptPrompt(deps, request);
  await savePromptArtifact(store, task.id, attempt, prompt);
  context.heartbeat({ message: 'starting' });
  const result = await runtime.adapter.run({ task, attempt, worktreePath, prompt }, {
    signal: context.signal,
    heartbeat: (p) => context.heartbeat(p),
    sandbox: context.sandbox,
  });
  const usage: CallUsage = { ...result.usage, costUsd: costOf(result.usage, runtime.pricing) };
  await store.modelCalls.record({
    taskId: task.id, attempt, turn: 1, try: context.tryNumber, modelType, provider: runtime.adapter.kind, model: modelType,
    inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: usage.costUsd,
  });
  const commit = await commitAll(worktreePath, `swarm(${task.id}): attempt ${attempt}: ${task.title}\n\n${deps.store.redactor.redact(result.summary)}`);
  const outcome = await recordAttemptOutcome(store, task.id, attempt, {
    status: result.status, summary: result.summary, transcript: result.transcript,
    filesChanged: commit?.files ?? [], commitSha: commit?.sha ?? null, usage: result.usage,
  });
  return { outcome, usage };
}
