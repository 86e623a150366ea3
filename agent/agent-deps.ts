import type { Store } from '../db/index.js';
import type { MemoryStore } from '../memory/index.js';
import type { ModelRegistry } from '../models/registry.js';
import type { ToolLimits } from './tools/index.js';

/** What the agent code uses of the worker it runs in. */
export interface AgentDeps {
  store: Store;
  models: ModelRegistry;
  /** Where the memories an attempt's prompt recalls come from. */
  memory: Pick<MemoryStore, 'vectorSearch'>;
  /** How many memories an attempt's prompt gets, and how similar they must be. */
  recall: { limit: number; threshold: number };
  /** The registry id of the worker running the attempt. */
  agentId: string;
  /** Overrides of the agent's tool limits (config.limits): longest tool result, largest file written. */
  toolLimits?: Partial<ToolLimits>;
}
