import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { artifactId, clipSummary, costOf, type AttemptOutcome, type CallUsage } from '../agent/attempt-outcome.js';
import { runAgentTurn, type TurnOutcome } from '../agent/run-turn.js';
import type { AgentProgress } from '../models/adapter.js';
import { buildPrompt, readRepoConventions } from '../models/prompt-builder.js';
import { createAgentToolbox } from '../models/tools/index.js';
import { memoryQueryForTask } from '../memory/index.js';
import type { Task } from '../tasks/task.js';
import { commitAll } from '../workspace/worktree.js';
import { openWorkspace, sandboxFor, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { keepHeartbeating, killOrphanOfPreviousTry, type ProcessHeartbeat } from './heartbeat.js';
import { agentTurnInput, runAgentInput } from './schemas.js';

export interface RunAgentResult {
  outcome: AttemptOutcome;
  usage: CallUsage;
}

export function createAgentActivities(deps: ActivityDeps) {
  const { store } = deps;

  /** The attempt's prompt, with the previous attempt's feedback and the most relevant memories (recorded with the attempt). */
  const promptFor = async (task: Task, attempt: number, worktreePath: string, feedbackArtifactId: string | null) => {
    const feedback = feedbackArtifactId ? ((await store.artifacts.get(feedbackArtifactId)) ?? null) : null;
    const hits = deps.recall.limit === 0
      ? []
      : await deps.memory.vectorSearch({ text: memoryQueryForTask(task), limit: deps.recall.limit, threshold: deps.recall.threshold, branch: task.baseBranch });
    await store.attempts.setMemories(task.id, attempt, hits.map((h) => h.memory.id));
    const memories = hits.map((h) => `(${h.memory.type}, similarity ${h.similarity.toFixed(2)}) ${h.memory.content}`);
    return buildPrompt(task, attempt, { feedback, memories, conventions: readRepoConventions(worktreePath) });
  };

  return {
    /**
     * One turn of the durable agent loop (API and local models): a model call, its tool calls, a
     * checkpoint. The workflow calls it turn after turn; a retry resumes from the last checkpoint.
     */
    agentTurn: defineActivity(agentTurnInput, async (input): Promise<TurnOutcome> => {
      const ws = await openWorkspace(deps, input.taskId);
      const runtime = deps.models.get(input.modelType);
      if (runtime.mode !== 'loop') throw new Error(`model type ${input.modelType} runs as a CLI, not as an agent loop`);
      const ctx = Context.current();
      killOrphanOfPreviousTry();
      if (input.turn === 1) {
        await store.attempts.start({
          taskId: input.taskId, attempt: input.attempt, modelType: input.modelType, agentId: deps.agentId, feedbackArtifactId: input.feedbackArtifactId,
        });
      }
      await store.tasks.setStatus(input.taskId, 'running_agent', { attempt: input.attempt });
      await store.agents.setCurrentTask(deps.agentId, input.taskId);

      let progress: object = { turn: input.turn };
      let running: ProcessHeartbeat = {};
      const stopHeartbeat = keepHeartbeating(() => ({ attempt: input.attempt, ...progress, ...running }));
      const sandbox = await sandboxFor(deps, ws.task, ws.worktreePath, { network: false });
      const toolbox = createAgentToolbox({ worktree: ws.worktreePath, sandbox, onCommandStart: (pid) => (running = { pid, host: hostname() }) });
      try {
        return await runAgentTurn({
          store, chatModel: runtime.chatModel, toolbox, pricing: runtime.pricing,
          task: ws.task, modelType: input.modelType, attempt: input.attempt, turn: input.turn, maxTurns: input.maxTurns,
          worktreePath: ws.worktreePath, tryNumber: ctx.info.attempt, signal: ctx.cancellationSignal,
          heartbeat: (p) => (progress = p),
          buildPrompt: () => promptFor(ws.task, input.attempt, ws.worktreePath, input.feedbackArtifactId),
        });
      } finally {
        stopHeartbeat();
      }
    }),

    /** One whole attempt by a coding-agent CLI, which runs its own loop; its work is committed at the end. */
    runAgent: defineActivity(runAgentInput, async ({ taskId, attempt, modelType, feedbackArtifactId }): Promise<RunAgentResult> => {
      const ws = await openWorkspace(deps, taskId);
      const { task } = ws;
      const runtime = deps.models.get(modelType);
      if (runtime.mode !== 'single') throw new Error(`model type ${modelType} runs as an agent loop, not as a CLI`);
      await store.attempts.start({ taskId, attempt, modelType, agentId: deps.agentId, feedbackArtifactId });
      await store.tasks.setStatus(taskId, 'running_agent', { attempt });
      await store.agents.setCurrentTask(deps.agentId, taskId);

      const prompt = await promptFor(task, attempt, ws.worktreePath, feedbackArtifactId);
      const promptArtifactId = await store.artifacts.put({
        id: artifactId(taskId, attempt, 'prompt'), taskId, kind: 'prompt', content: `${prompt.system}\n---\n${prompt.user}`,
      });
      let progress: AgentProgress = { message: 'starting' };
      const stopHeartbeat = keepHeartbeating(() => ({ attempt, ...progress }));
      let result;
      try {
        result = await runtime.adapter.run(
          { task, attempt, worktreePath: ws.worktreePath, prompt },
          { signal: Context.current().cancellationSignal, heartbeat: (p) => (progress = p), sandbox: await sandboxFor(deps, task, ws.worktreePath, { network: true }) },
        );
      } finally {
        stopHeartbeat();
      }
      const usage: CallUsage = { ...result.usage, costUsd: costOf(result.usage, runtime.pricing) };
      await store.modelCalls.record({
        taskId, attempt, turn: 1, try: Context.current().info.attempt, modelType, provider: runtime.adapter.kind, model: modelType,
        inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: usage.costUsd,
      });
      const transcriptArtifactId = await store.artifacts.put({
        id: artifactId(taskId, attempt, 'transcript'), taskId, kind: 'transcript', content: result.transcript,
      });
      const commit = await commitAll(ws.worktreePath, `swarm(${taskId}): attempt ${attempt}: ${task.title}\n\n${result.summary}`);
      const failed = result.status === 'failed';
      await store.attempts.recordAgentOutcome({
        taskId, attempt, status: failed ? 'agent_failed' : 'checking', promptArtifactId, transcriptArtifactId,
        summary: result.summary, filesChanged: commit?.files ?? [], commitSha: commit?.sha ?? null,
        inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
      });
      const nextFeedbackId = failed
        ? await store.artifacts.put({ id: artifactId(taskId, attempt, 'feedback'), taskId, kind: 'feedback', content: `### The agent did not finish\n${result.summary}` })
        : null;
      return {
        outcome: {
          status: result.status, summary: clipSummary(result.summary), commitSha: commit?.sha ?? null,
          filesChanged: commit?.files.length ?? 0, feedbackArtifactId: nextFeedbackId,
        },
        usage,
      };
    }),
  };
}
