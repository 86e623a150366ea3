import { Command } from 'commander';
import { CliContext } from './cli-context.js';
import { processIo } from './cli-io.js';
import { registerAgentsCommands } from './commands/agents.js';
import { registerDbCommands } from './commands/db.js';
import { registerSyncCommands } from './commands/sync.js';
import { registerDashboardCommand } from './commands/dashboard.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerMemoryCommands } from './commands/memory.js';
import { registerPlanCommands } from './commands/plan.js';
import { registerQualityCommands } from './commands/quality.js';
import { registerQueueCommands } from './commands/queue.js';
import { registerServerCommands } from './commands/server.js';
import { registerStartCommand } from './commands/start.js';
import { registerStatusCommand } from './commands/status.js';
import { registerTaskCommands } from './commands/task.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerWorkersCommands } from './commands/workers.js';
import { safeForTerminal } from './terminal-text.js';

/**
 * The `swarm` command tree, not yet parsed. Commander's errors and `--help` throw a CommanderError
 * (see exitCodeFor) instead of exiting, and all output goes through the context's io.
 * Building it loads only commander and the command files: each action imports what it needs.
 */
export function buildProgram(ctx: CliContext = new CliContext(processIo())): Command {
  const program = new Command('swarm')
    .description('Jetpack Cloud: a durable multi-agent swarm for software development, on Temporal and libSQL')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.writeOut(safeForTerminal(text, { multiline: true })),
      writeErr: (text) => ctx.io.writeErr(safeForTerminal(text, { multiline: true })),
      // Usage errors are one line, like every other error: `swarm: unknown option '--x' (run with --help for usage)`.
      outputError: (text, write) =>
        write(`swarm: ${safeForTerminal(text.trim().replace(/^error: /, ''))} (run with --help for usage)\n`),
    });
  // Subcommands made with .command() inherit the two settings above.
  registerStartCommand(program, ctx);
  registerServerCommands(program, ctx);
  registerWorkerCommand(program);
  registerDemoCommand(program, ctx);
  registerTaskCommands(program, ctx);
  registerPlanCommands(program, ctx);
  registerMemoryCommands(program, ctx);
  registerQualityCommands(program, ctx);
  registerQueueCommands(program, ctx);
  registerStatusCommand(program, ctx);
  registerAgentsCommands(program, ctx);
  registerWorkersCommands(program, ctx);
  registerDbCommands(program, ctx);
  registerSyncCommands(program, ctx);
  registerDashboardCommand(program, ctx);
  return program;
}
