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
        // Never the API key or the TLS material: only whether they are in use.
        temporal: {
          address: config.temporal.address,
          namespace: config.temporal.namespace,
          uiUrl: config.temporal.uiUrl,
          taskQueuePrefix: config.temporal.taskQueuePrefix,
          tls: config.temporal.tls !== false,
          apiKey: config.temporal.apiKey !== undefined,
          profile: config.temporal.profile,
        },
      };
      ctx.print(opts.json, status, () => formatStatus(status));
    });
}
