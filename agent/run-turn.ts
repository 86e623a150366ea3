import type { Store } from '../db/index.js';
import type { ChatModel } from '../models/chat-model.js';
import type { ChatMessage, ToolResult } from '../models/messages.js';
import type { AgentPrompt } from '../models/prompt.js';
import { costOf, type CallUsage, type ModelPricing } from '../models/usage.js';
import { git } from '../workspace/git.js';
import { commitAll } from '../workspace/worktree.js';
import type { AgentDeps } from './agent-deps.js';
import type { AttemptContext, AttemptRequest } from './attempt-context.js';
import { artifactId, type AttemptOutcome } from './attempt-outcome.js';
import { buildAttemptPrompt, savePromptArtifact } from './attempt-prompt.js';
import { markAttemptRunning } from './mark-attempt-running.js';
import { recordAttemptOutcome } from './record-attempt-outcome.js';
import { createAgentToolbox, type AgentToolbox } from './tools/index.js';
import { renderTranscript } from './transcript.js';
import { checkpointMessage, rewindBeforeTurn, saveAttemptStart, START_TURN, storedTurn } from './turn-checkpoint.js';

export interface TurnRequest extends AttemptRequest {
  turn: number;
  maxTurns: number;
}

export interface TurnOutcome {
  done: boolean;
  usage: CallUsage;
  /** Set on the turn that ends the attempt. */
  outcome: AttemptOutcome | null;
  /** The tool calls the turn made, as short lines for people ("write_file src/x.ts"). */
  tools: string[];
}

/** Everything one turn works with. */
interface Turn extends TurnRequest {
  store: Store;
  chatModel: ChatModel;
  pricing: ModelPricing;
  /** The agent's tools, bound to this task's worktree. */
  toolbox: AgentToolbox;
  context: AttemptContext;
  /** Builds the attempt's prompt; called on turn 1 only. */
  buildPrompt(): Promise<AgentPrompt>;
}

/**
 * One turn of the durable agent loop (API and local models): one model call, its tool calls executed
 * in the worktree, and a checkpoint (a commit on the task branch, then the turn's messages and result
 * in libSQL). Its effects happen once (turn-checkpoint.ts): a retried turn whose checkpoint is stored
 * returns the stored result without calling the model or running a tool; one whose checkpoint is not
 * stored starts again from the previous turn's checkpoint, so a half-done try leaves nothing behind.
 */
export async function runAgentTurn(
  deps: AgentDeps,
  request: TurnRequest,
  context: AttemptContext,
): Promise<TurnOutcome> {
  const runtime = deps.models.get(request.modelType);
  if (runtime.mode !== 'loop') throw new Error(`model type ${request.modelType} runs as a CLI, not as an agent loop`);
  const stored = await storedTurn(deps.store, request.task.id, request.attempt, request.turn);
  if (stored) return stored;
  await markAttemptRunning(deps, request, request.turn === 1);
  return takeTurn({
    ...request,
    store: deps.store,
    chatModel: runtime.chatModel,
    pricing: runtime.pricing,
    context,
    toolbox: createAgentToolbox({
      worktree: request.worktreePath,
      limits: deps.toolLimits,
      sandbox: context.sandbox,
      onCommandStart: (pid) => context.onProcessStart(pid),
    }),
    buildPrompt: () => buildAttemptPrompt(deps, request),
  });
}

async function takeTurn(t: Turn): Promise<TurnOutcome> {
  const { store, task, attempt, turn, context } = t;
  const dropped = await rewindBeforeTurn(store, t.worktreePath, task.id, attempt, turn);
  if (dropped.length > 0)
    context.heartbeat({ turn, message: `dropped the checkpoint of an earlier try: ${dropped.join(', ')}` });
  if (turn === 1) await startAttempt(t);
  const system = await store.artifacts.get(artifactId(task.id, attempt, 'system'));
  const history = await store.agentTurns.list(task.id, attempt, turn);
  if (system === undefined || history[0]?.turn !== START_TURN) {
    throw new Error(`task ${task.id} attempt ${attempt}: turn ${turn} has no stored start (system prompt or turn 0)`);
  }
  const messages: ChatMessage[] = history.flatMap((h) => h.messages);

  context.heartbeat({ turn, message: 'calling the model' });
  const response = await t.chatModel.step({ system, messages, tools: t.toolbox.specs, signal: context.signal });
  const usage: CallUsage = { ...response.usage, costUsd: costOf(response.usage, t.pricing) };
  await store.modelCalls.record({
    taskId: task.id,
    attempt,
    turn,
    try: context.tryNumber,
    modelType: t.modelType,
    provider: t.chatModel.provider,
    model: t.chatModel.model,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd: usage.costUsd,
  });

  const results: ToolResult[] = [];
  let finish: { summary: string; success: boolean } | undefined;
  for (const call of response.toolCalls) {
    if (context.signal.aborted) throw context.signal.reason;
    context.heartbeat({ turn, toolCalls: results.length, message: call.name });
    const executed = await t.toolbox.execute(call.name, call.input, { signal: context.signal });
    results.push({ callId: call.id, name: call.name, output: executed.output, isError: !executed.ok });
    if (executed.finished) finish = executed.finished;
  }
  const checkpoint = await commitAll(
    t.worktreePath,
    checkpointMessage(`swarm(${task.id}): attempt ${attempt}, turn ${turn}`, task.id, attempt, turn),
  );
  const tools = response.toolCalls.map(describeToolCall);
  // A reply without tool calls is the model's final answer.
  const done = finish !== undefined || response.toolCalls.length === 0 || turn >= t.maxTurns;
  const turnMessages: ChatMessage[] = [{ role: 'assistant', text: response.text, toolCalls: response.toolCalls }];
  if (results.length > 0) turnMessages.push({ role: 'tool', results });

  let outcome: AttemptOutcome | null = null;
  if (done) {
    let status: AttemptOutcome['status'] = 'completed';
    let summary = finish?.summary ?? (response.text.trim() || 'the model ended without a summary');
    if (finish && !finish.success) status = 'failed';
    if (!finish && response.toolCalls.length > 0) {
      status = 'failed';
      summary = `stopped after the maximum of ${t.maxTurns} turns without finishing`;
    }
    outcome = await finishAttempt(t, system, [...messages, ...turnMessages], status, summary);
  }
  // The turn's last write: once it is stored, a retry returns this result instead of running the turn again.
  await store.agentTurns.save({
    taskId: task.id,
    attempt,
    turn,
    modelType: t.modelType,
    messages: turnMessages,
    checkpointSha: checkpoint?.sha ?? (await git(t.worktreePath, ['rev-parse', 'HEAD'])),
    done,
    result: { usage, outcome, tools },
  });
  return { done, usage, outcome, tools };
}

/** A tool call as a short line: its name and the path or command it acted on. */
function describeToolCall(call: { name: string; input: unknown }): string {
  const input = (call.input ?? {}) as Record<string, unknown>;
  const target = [input.path, input.command].find((v): v is string => typeof v === 'string');
  if (!target) return call.name;
  const flat = target.replace(/\s+/g, ' ').trim();
  return `${call.name} ${flat.length > 80 ? flat.slice(0, 79) + '…' : flat}`;
}

async function startAttempt(t: Turn): Promise<void> {
  const { store, task, attempt } = t;
  const prompt = await t.buildPrompt();
  await store.artifacts.put({
    id: artifactId(task.id, attempt, 'system'),
    taskId: task.id,
    kind: 'system',
    content: prompt.system,
  });
  await savePromptArtifact(store, task.id, attempt, prompt);
  await saveAttemptStart(store, t, { role: 'user', text: prompt.user });
}

/** The attempt's outcome from its checkpoints: the files changed since turn 0, and the usage of all its turns. */
async function finishAttempt(
  t: Turn,
  system: string,
  messages: ChatMessage[],
  status: AttemptOutcome['status'],
  summary: string,
): Promise<AttemptOutcome> {
  const { store, task, attempt } = t;
  const [start] = await store.agentTurns.list(task.id, attempt, START_TURN + 1);
  const head = await git(t.worktreePath, ['rev-parse', 'HEAD']);
  const changed =
    start?.checkpointSha && start.checkpointSha !== head
      ? (await git(t.worktreePath, ['diff', '--name-only', start.checkpointSha, head])).split('\n').filter(Boolean)
      : [];
  const calls = (await store.modelCalls.listForTask(task.id)).filter((c) => c.attempt === attempt);
  return recordAttemptOutcome(store, task.id, attempt, {
    status,
    summary,
    transcript: renderTranscript(system, messages),
    filesChanged: changed,
    commitSha: changed.length > 0 ? head : null,
    usage: {
      inputTokens: calls.reduce((n, c) => n + c.inputTokens, 0),
      outputTokens: calls.reduce((n, c) => n + c.outputTokens, 0),
    },
  });
}
