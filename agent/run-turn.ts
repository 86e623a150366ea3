import type { Store } from '../db/index.js';
import type { ChatModel } from '../models/chat-model.js';
import type { ChatMessage, ToolResult } from '../models/messages.js';
import type { AgentPrompt } from '../models/prompt.js';
import { costOf, type CallUsage, type ModelPricing } from '../models/usage.js';
import type { Task } from '../tasks/task.js';
import { git } from '../workspace/git.js';
import { commitAll } from '../workspace/worktree.js';
import { artifactId, clipSummary, type AttemptOutcome } from './attempt-outcome.js';
import type { AgentToolbox } from './tools/index.js';
import { renderTranscript } from './transcript.js';

export interface TurnContext {
  store: Store;
  chatModel: ChatModel;
  /** The agent's tools, bound to this task's worktree. */
  toolbox: AgentToolbox;
  pricing: ModelPricing;
  task: Task;
  modelType: string;
  attempt: number;
  turn: number;
  maxTurns: number;
  worktreePath: string;
  /** The activity's try number, so a call repeated after a crash is accounted separately. */
  tryNumber: number;
  signal: AbortSignal;
  heartbeat(progress: { turn: number; toolCalls?: number; message?: string }): void;
  /** Builds the attempt's prompt; called on turn 1 only. */
  buildPrompt(): Promise<AgentPrompt>;
}

export interface TurnOutcome {
  done: boolean;
  usage: CallUsage;
  /** Set on the turn that ends the attempt. */
  outcome: AttemptOutcome | null;
}

/** Turn 0 holds the attempt's starting point: the task prompt and the branch head it began from. */
const START_TURN = 0;

/**
 * One turn of the durable agent loop: one model call, its tool calls executed in the worktree, and
 * a checkpoint (a commit on the task branch plus the turn's messages in libSQL). A turn retried after
 * a crash first resets the worktree to the last checkpoint, so earlier turns are never repeated and
 * a half-done turn leaves nothing behind.
 */
export async function runAgentTurn(ctx: TurnContext): Promise<TurnOutcome> {
  const { store, task, attempt, turn } = ctx;
  await git(ctx.worktreePath, ['reset', '--quiet', '--hard', 'HEAD']);
  await git(ctx.worktreePath, ['clean', '--quiet', '-fd']);

  if (turn === 1) await startAttempt(ctx);
  const system = await store.artifacts.get(artifactId(task.id, attempt, 'system'));
  const history = await store.agentTurns.list(task.id, attempt, turn);
  if (system === undefined || history[0]?.turn !== START_TURN) {
    throw new Error(`task ${task.id} attempt ${attempt}: turn ${turn} has no stored start (system prompt or turn 0)`);
  }
  const messages: ChatMessage[] = history.flatMap((t) => t.messages);

  ctx.heartbeat({ turn, message: 'calling the model' });
  const response = await ctx.chatModel.step({ system, messages, tools: ctx.toolbox.specs, signal: ctx.signal });
  const usage: CallUsage = { ...response.usage, costUsd: costOf(response.usage, ctx.pricing) };
  await store.modelCalls.record({
    taskId: task.id, attempt, turn, try: ctx.tryNumber, modelType: ctx.modelType, provider: ctx.chatModel.provider,
    model: ctx.chatModel.model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: usage.costUsd,
  });

  const results: ToolResult[] = [];
  let finish: { summary: string; success: boolean } | undefined;
  for (const call of response.toolCalls) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    ctx.heartbeat({ turn, toolCalls: results.length, message: call.name });
    const executed = await ctx.toolbox.execute(call.name, call.input, { signal: ctx.signal });
    results.push({ callId: call.id, name: call.name, output: executed.output, isError: !executed.ok });
    if (executed.finished) finish = executed.finished;
  }
  const checkpoint = await commitAll(ctx.worktreePath, `swarm(${task.id}): attempt ${attempt}, turn ${turn}`);
  // A reply without tool calls is the model's final answer.
  const done = finish !== undefined || response.toolCalls.length === 0 || turn >= ctx.maxTurns;
  const turnMessages: ChatMessage[] = [{ role: 'assistant', text: response.text, toolCalls: response.toolCalls }];
  if (results.length > 0) turnMessages.push({ role: 'tool', results });
  await store.agentTurns.save({
    taskId: task.id, attempt, turn, modelType: ctx.modelType, messages: turnMessages,
    checkpointSha: checkpoint?.sha ?? (await git(ctx.worktreePath, ['rev-parse', 'HEAD'])), done,
  });
  if (!done) return { done, usage, outcome: null };

  let status: AttemptOutcome['status'] = 'completed';
  let summary = finish?.summary ?? (response.text.trim() || 'the model ended without a summary');
  if (finish && !finish.success) status = 'failed';
  if (!finish && response.toolCalls.length > 0) {
    status = 'failed';
    summary = `stopped after the maximum of ${ctx.maxTurns} turns without finishing`;
  }
  return { done, usage, outcome: await finishAttempt(ctx, system, [...messages, ...turnMessages], status, summary) };
}

async function startAttempt(ctx: TurnContext): Promise<void> {
  const { store, task, attempt } = ctx;
  const prompt = await ctx.buildPrompt();
  await store.artifacts.put({ id: artifactId(task.id, attempt, 'system'), taskId: task.id, kind: 'system', content: prompt.system });
  await store.artifacts.put({
    id: artifactId(task.id, attempt, 'prompt'), taskId: task.id, kind: 'prompt', content: `${prompt.system}\n---\n${prompt.user}`,
  });
  await store.agentTurns.save({
    taskId: task.id, attempt, turn: START_TURN, modelType: ctx.modelType, messages: [{ role: 'user', text: prompt.user }],
    checkpointSha: await git(ctx.worktreePath, ['rev-parse', 'HEAD']), done: false,
  });
}

async function finishAttempt(
  ctx: TurnContext,
  system: string,
  messages: ChatMessage[],
  status: AttemptOutcome['status'],
  summary: string,
): Promise<AttemptOutcome> {
  const { store, task, attempt } = ctx;
  const [start] = await store.agentTurns.list(task.id, attempt, START_TURN + 1);
  const head = await git(ctx.worktreePath, ['rev-parse', 'HEAD']);
  const changed = start?.checkpointSha && start.checkpointSha !== head
    ? (await git(ctx.worktreePath, ['diff', '--name-only', start.checkpointSha, head])).split('\n').filter(Boolean)
    : [];
  const transcriptArtifactId = await store.artifacts.put({
    id: artifactId(task.id, attempt, 'transcript'), taskId: task.id, kind: 'transcript', content: renderTranscript(system, messages),
  });
  const usage = (await store.modelCalls.listForTask(task.id)).filter((c) => c.attempt === attempt);
  await store.attempts.recordAgentOutcome({
    taskId: task.id, attempt, status: status === 'failed' ? 'agent_failed' : 'checking', promptArtifactId: artifactId(task.id, attempt, 'prompt'),
    transcriptArtifactId, summary, filesChanged: changed, commitSha: changed.length > 0 ? head : null,
    inputTokens: usage.reduce((n, c) => n + c.inputTokens, 0), outputTokens: usage.reduce((n, c) => n + c.outputTokens, 0),
  });
  const feedbackArtifactId = status === 'failed'
    ? await store.artifacts.put({ id: artifactId(task.id, attempt, 'feedback'), taskId: task.id, kind: 'feedback', content: `### The agent did not finish\n${summary}` })
    : null;
  return { status, summary: clipSummary(summary), commitSha: changed.length > 0 ? head : null, filesChanged: changed.length, feedbackArtifactId };
}
