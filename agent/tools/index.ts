export {
  AGENT_TOOLS,
  createAgentToolbox,
  DEFAULT_TOOL_LIMITS,
  type AgentToolbox,
  type AgentToolboxOptions,
} from './registry.js';
export { ToolError, type AgentTool, type ToolLimits, type ToolOutcome } from './tool.js';
export { PathRefusedError, resolveWorktreePath } from './worktree-path.js';
