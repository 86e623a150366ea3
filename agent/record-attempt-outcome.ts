import type { Store } from '../db/index.js';
import type { TokenUsage } from '../models/usage.js';
import { artifactId, clipSummary, type AttemptOutcome } from './attempt-outcome.js';

/** How an attempt's agent work ended, in full: what is stored, before it is shortened for the workflow. */
export interface AgentWorkResult {
  status: AttemptOutcome['status'];
  summary: string;
  transcript: string;
  filesChanged: string[];
  commitSha: string | null;
  /** All tokens the attempt used. */
  usage: TokenUsage;
}

/**
 * Stores the end of the agent's part of an attempt: its transcript, the attempt's outcome and, when
 * the agent failed, the feedback for the next attempt. Returns what the workflow is told.
 */
export async function recordAttemptOutcome(
  store: Store,
  taskId: string,
  attempt: number,
  result: AgentWorkResult,
): Promise<AttemptOutcome> {
  const failed = result.status === 'failed';
  const transcriptArtifactId = await store.artifacts.put({
    id: artifactId(taskId, attempt, 'transcript'),
    taskId,
    kind: 'transcript',
    content: result.transcript,
  });
  await store.attempts.recordAgentOutcome({
    taskId,
    attempt,
    status: failed ? 'agent_failed' : 'checking',
    promptArtifactId: artifactId(taskId, attempt, 'prompt'),
    transcriptArtifactId,
    summary: result.summary,
    filesChanged: result.filesChanged,
    commitSha: result.commitSha,
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
  });
  const feedbackArtifactId = failed
    ? await store.artifacts.put({
        id: artifactId(taskId, attempt, 'feedback'),
        taskId,
        kind: 'feedback',
        content: `### The agent did not finish\n${result.summary}`,
      })
    : null;
  return {
    status: result.status,
    summary: clipSummary(result.summary),
    commitSha: result.commitSha,
    filesChanged: result.filesChanged.length,
    feedbackArtifactId,
  };
}
