import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatStatus } from '../format.js';

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('tasks by status and live workers by model type')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = ctx.config;
      const store = await ctx.store();
      const status = {
        tasks: await store.tasks.countByStatus(),
        agents: await store.agents.list(),
        usageByModel: await store.modelCalls.totalsByModelType(),
        temporal: config.temporal,
      };
      ctx.print(opts.json, status, () => formatStatus(status));
    });
}
