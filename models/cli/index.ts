export type { AgentContext, AgentOutcome, AgentProgress, AgentRequest, ModelAdapter } from './adapter.js';
export { CliUnavailableError } from './agent-process.js';
export { createClaudeCodeAdapter, type ClaudeCodeOptions } from './claude-code.js';
export { createCodexAdapter, type CodexOptions } from './codex.js';
export { createGeminiCliAdapter, type GeminiCliOptions } from './gemini-cli.js';
export {
  DEFAULT_CLI_TIMEOUT_MS,
  type CliAdapterOptions,
  type CliAgentOutcome,
  type CliModelAdapter,
} from './run-cli-agent.js';
export { createCommandAdapter, type CommandAdapterOptions } from './command.js';
