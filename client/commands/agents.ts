import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatAgents } from '../format.js';

export function registerAgentsCommands(program: Command, ctx: CliContext): void {
  const agents = program.command('agents').description('the worker registry');
  agents
    .command('list')
    .description('list workers (live ones by default; --all adds stopped and lost ones)')
    .option('--all', 'include offline workers')
    .option('--json', 'print JSON')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const list = await (await ctx.store()).agents.list({ includeOffline: !!opts.all });
      ctx.print(opts.json, list, () => formatAgents(list));
    });
}
