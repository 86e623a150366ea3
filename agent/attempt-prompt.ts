import type { Store } from '../db/index.js';
import { memoryQueryForTask } from '../memory/index.js';
import type { AgentPrompt } from '../models/prompt.js';
import type { AgentDeps } from './agent-deps.js';
import type { AttemptRequest } from './attempt-context.js';
import { artifactId } from './attempt-outcome.js';
import { buildPrompt, readRepoConventions } from './prompt-builder.js';

/**
 * The attempt's prompt, with the previous attempt's feedback, the repository's conventions and the
 * most relevant memories; the recalled memories are recorded with the attempt.
 */
export async function buildAttemptPrompt(
  deps: Pick<AgentDeps, 'store' | 'memory' | 'recall'>,
  request: AttemptRequest,
): Promise<AgentPrompt> {
  const { store, memory, recall } = deps;
  const { task, attempt, feedbackArtifactId } = request;
  const feedback = feedbackArtifactId ? ((await store.artifacts.get(feedbackArtifactId)) ?? null) : null;
  const hits =
    recall.limit === 0
      ? []
      : await memory.vectorSearch({
          text: memoryQueryForTask(task),
          limit: recall.limit,
          threshold: recall.threshold,
          branch: task.baseBranch,
          repo: task.repo,
        });
  await store.attempts.setMemories(
    task.id,
    attempt,
    hits.map((h) => h.memory.id),
  );
  const memories = hits.map((h) => `(${h.memory.type}, similarity ${h.similarity.toFixed(2)}) ${h.memory.content}`);
  return buildPrompt(task, attempt, { feedback, memories, conventions: readRepoConventions(request.worktreePath) });
}

/** Stores the whole prompt as the attempt's prompt artifact; returns its id. */
export function savePromptArtifact(
  store: Store,
  taskId: string,
  attempt: number,
  prompt: AgentPrompt,
): Promise<string> {
  return store.artifacts.put({
    id: artifactId(taskId, attempt, 'prompt'),
    taskId,
    kind: 'prompt',
    content: `${prompt.system}\n---\n${prompt.user}`,
  });
}
