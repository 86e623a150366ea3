import type { Command } from 'commander';
import { ConfigError } from '../../config/config.js';
import type { CliContext } from '../cli-context.js';
import { upLocalTemporal } from './local-temporal.js';
import { list } from './parse.js';

export function registerStartCommand(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description(
      'start the local stack: a Temporal dev server with Web UI (unless one answers) and one worker per model type',
    )
    .option('--models <types>', 'comma-separated model types to run workers for (default: all configured)', list)
    .action(async (opts: { models?: string[] }) => {
      const config = ctx.config;
      const types = opts.models ?? Object.keys(config.models);
      const unknown = types.filter((t) => !Object.hasOwn(config.models, t));
      if (unknown.length > 0)
        throw new ConfigError(
          `unknown model type(s): ${unknown.join(', ')} (configured: ${Object.keys(config.models).join(', ')})`,
        );
      await upLocalTemporal(ctx);
      await ctx.store();
      const { superviseWorkers } = await import('../worker-processes.js');
      const workers = superviseWorkers(types, {
        env: ctx.io.env,
        onRepeatedStop: () =>
          ctx.log('still stopping: the workers finish their running steps (up to 10 s), then go offline'),
      });
      ctx.log(`Web UI: ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows`);
      ctx.log(
        `running ${types.length} worker(s) (${types.join(', ')}); Ctrl-C stops them (the Temporal server keeps running: "swarm server stop")`,
      );
      const exits = await workers;
      for (const e of exits)
        ctx.log(`worker ${e.modelType} exited (${e.signal ? `killed by ${e.signal}` : `code ${e.code}`})`);
    });
}
