import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

export function registerServerCommands(program: Command, ctx: CliContext): void {
  const server = program.command('server').description('manage the local Temporal dev server');
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
