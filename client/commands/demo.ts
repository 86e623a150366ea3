import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { upLocalTemporal } from './local-temporal.js';

export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('run an example task end to end on the local stack and print where to see it in the Web UI')
    .action(async () => {
      const config = ctx.config;
      await upLocalTemporal(ctx);
      const { runDemo } = await import('../demo.js');
      await runDemo(config, await ctx.client(), (line) => ctx.log(line), ctx.io.env);
    });
}
