import { runCliAttempt, type CliAttemptResult } from '../agent/run-cli-attempt.js';
import { runAgentTurn, type TurnOutcome } from '../agent/run-turn.js';
import { withAttemptContext } from './attempt-context.js';
import { openWorkspace, sandboxFor, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { killOrphanOfPreviousTry } from './heartbeat.js';
import { agentTurnInput, runAgentInput } from './schemas.js';

export function createAgentActivities(deps: ActivityDeps) {
  return {
    /**
     * One turn of the durable agent loop (API and local models): a model call, its tool calls, a
     * checkpoint. The workflow calls it turn after turn; a retry resumes from the last checkpoint.
     */
    agentTurn: defineActivity(agentTurnInput, async (input): Promise<TurnOutcome> => {
      const { task, worktreePath } = await openWorkspace(deps, input.taskId);
      killOrphanOfPreviousTry();
      // The agent's commands run without the network; a CLI agent needs it to reach its provider.
      const sandbox = await sandboxFor(deps, task, worktreePath, { network: false });
      return withAttemptContext(input.attempt, { turn: input.turn }, sandbox, (context) =>
        runAgentTurn(deps, { ...input, task, worktreePath }, context),
      );
    }),

    /** One whole attempt by a coding-agent CLI, which runs its own loop; its work is committed at the end. */
    runAgent: defineActivity(runAgentInput, async (input): Promise<CliAttemptResult> => {
      const { task, worktreePath } = await openWorkspace(deps, input.taskId);
      const sandbox = await sandboxFor(deps, task, worktreePath, { network: true });
      return withAttemptContext(input.attempt, {}, sandbox, (context) =>
        runCliAttempt(deps, { ...input, task, worktreePath }, context),
      );
    }),
  };
}
