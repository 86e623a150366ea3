import type { AgentRecord } from '../../db/agents-repository.js';
import type { Store } from '../../db/index.js';
import type { QualityPoint, SwarmStats, UsageBucket } from '../../db/stats-repository.js';

export interface BoardTask {
  id: string;
  title: string;
  status: string;
  priority: string;
  modelType: string;
  repo: string;
  baseBranch: string;
  attempt: number;
  maxAttempts: number;
  tokens: number;
  costUsd: number;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
  webUrl: string;
}

/** Everything the dashboard page draws, in one JSON document (pushed again whenever it changes). */
export interface Board {
  tasks: BoardTask[];
  agents: Array<Pick<AgentRecord, 'id' | 'modelType' | 'status' | 'host' | 'currentTaskId' | 'lastSeenAt'>>;
  stats: SwarmStats;
  usage: UsageBucket[];
  quality: QualityPoint[];
  temporalUiUrl: string;
}

const USAGE_WINDOW_MS = 7 * 24 * 3600 * 1000;

export async function readBoard(
  store: Store,
  workflowUrl: (taskId: string) => string,
  temporalUiUrl: string,
  limit = 200,
): Promise<Board> {
  const tasks = await store.tasks.list({ limit });
  const [usageByTask, agents, stats, usage, quality] = await Promise.all([
    store.stats.usageByTask(tasks.map((t) => t.id)),
    store.agents.list({ includeOffline: true }),
    store.stats.swarmStats(),
    store.stats.usageOverTime(new Date(Date.now() - USAGE_WINDOW_MS).toISOString()),
    store.stats.qualityTrend(),
  ]);
  return {
    tasks: tasks.map((t) => ({
      id: t.id,
      title: t.title,
      status: t.status,
      priority: t.priority,
      modelType: t.modelType,
      repo: t.repo,
      baseBranch: t.baseBranch,
      attempt: t.currentAttempt,
      maxAttempts: t.maxAttempts,
      tokens: usageByTask[t.id]?.tokens ?? 0,
      costUsd: usageByTask[t.id]?.costUsd ?? 0,
      failureReason: t.failureReason,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      webUrl: workflowUrl(t.id),
    })),
    agents: agents.map(({ id, modelType, status, host, currentTaskId, lastSeenAt }) => ({
      id,
      modelType,
      status,
      host,
      currentTaskId,
      lastSeenAt,
    })),
    stats,
    usage,
    quality,
    temporalUiUrl,
  };
}
