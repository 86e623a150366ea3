import { Context } from '@temporalio/activity';
import { buildPrompt } from '../models/prompt-builder.js';
import type { AgentProgress } from '../models/adapter.js';
import { commitAll } from '../workspace/worktree.js';
import { openWorkspace, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { keepHeartbeating } from './heartbeat.js';
import { runAgentInput } from './schemas.js';

export interface RunAgentResult {
  status: 'completed' | 'failed';
  summary: string;
  commitSha: string | null;
  filesChanged: number;
  /** Set when the agent failed: the feedback for the next attempt. */
  feedbackArtifactId: string | null;
}

const SUMMARY_LIMIT = 500;
const clip = (text: string) => (text.length > SUMMARY_LIMIT ? text.slice(0, SUMMARY_LIMIT - 1) + '…' : text);

export const artifactId = (taskId: string, attempt: number, kind: string) => `${taskId}/${attempt}/${kind}`;

export function createAgentActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    /**
     * One agent attempt: builds the prompt (with the previous attempt's feedback), runs the task's
     * model in the worktree, and commits what it changed, so the branch is the checkpoint.
     */
    runAgent: defineActivity(runAgentInput, async ({ taskId, attempt, feedbackArtifactId }): Promise<RunAgentResult> => {
      const ws = await openWorkspace(deps, taskId);
      const { task } = ws;
      const adapter = deps.models.get(task.modelType);
      await store.attempts.start({ taskId, attempt, modelType: task.modelType, agentId: deps.agentId, feedbackArtifactId });
      await store.tasks.setStatus(taskId, 'running_agent', { attempt });
      await store.agents.setCurrentTask(deps.agentId, taskId);

      const feedback = feedbackArtifactId ? ((await store.artifacts.get(feedbackArtifactId)) ?? null) : null;
      const prompt = buildPrompt(task, attempt, feedback);
      const promptArtifactId = await store.artifacts.put({
        id: artifactId(taskId, attempt, 'prompt'), taskId, kind: 'prompt', content: `${prompt.system}\n---\n${prompt.user}`,
      });

      let progress: AgentProgress = { message: 'starting' };
      const stopHeartbeat = keepHeartbeating(() => ({ attempt, ...progress }));
      let outcome;
      try {
        outcome = await adapter.run(
          { task, attempt, worktreePath: ws.worktreePath, prompt, feedback },
          { signal: Context.current().cancellationSignal, heartbeat: (p) => (progress = p) },
        );
      } finally {
        stopHeartbeat();
      }

      const transcriptArtifactId = await store.artifacts.put({
        id: artifactId(taskId, attempt, 'transcript'), taskId, kind: 'transcript', content: outcome.transcript,
      });
      const commit = await commitAll(ws.worktreePath, `swarm(${taskId}): attempt ${attempt}: ${task.title}\n\n${outcome.summary}`);
      const failed = outcome.status === 'failed';
      await store.attempts.recordAgentOutcome({
        taskId, attempt, status: failed ? 'agent_failed' : 'checking', promptArtifactId, transcriptArtifactId,
        summary: outcome.summary, filesChanged: commit?.files ?? [], commitSha: commit?.sha ?? null,
        inputTokens: outcome.usage.inputTokens, outputTokens: outcome.usage.outputTokens,
      });
      const nextFeedbackId = failed
        ? await store.artifacts.put({
            id: artifactId(taskId, attempt, 'feedback'), taskId, kind: 'feedback',
            content: `### The agent did not finish\n${outcome.summary}`,
          })
        : null;
      return {
        status: outcome.status,
        summary: clip(outcome.summary),
        commitSha: commit?.sha ?? null,
        filesChanged: commit?.files.length ?? 0,
        feedbackArtifactId: nextFeedbackId,
      };
    }),
  };
}
