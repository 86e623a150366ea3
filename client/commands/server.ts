import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

export function registerServerCommands(program: Command, ctx: CliContext): void {
  const server = program
    .command('server')
    .description('the Temporal server: set up a configured one, stop the local dev server');
  server
    .command('setup')
    .description(
      "register the project's search attributes on the configured Temporal server (a cluster, through its profile); starts nothing",
    )
    .action(async () => {
      const [{ ensureSearchAttributes }, { describeTemporal }] = await Promise.all([
        import('../temporal-connection.js'),
        import('../../config/temporal-settings.js'),
      ]);
      const added = await ensureSearchAttributes(await ctx.temporal(), ctx.config.temporal.namespace);
      const where = `Temporal at ${describeTemporal(ctx.config.temporal)}, namespace ${ctx.config.temporal.namespace}`;
      ctx.log(added.length ? `${where}: added ${added.join(', ')}` : `${where}: search attributes already present`);
    });
  server
    .command('stop')
    .description('stop the dev server that "swarm start" or "swarm demo" started')
    .action(async () => {
      const { stopLocalTemporal } = await import('../local-stack.js');
      ctx.log(
        stopLocalTemporal(ctx.config)
          ? 'Temporal dev server stopped'
          : 'no Temporal dev server started by swarm is running',
      );
    });
}
