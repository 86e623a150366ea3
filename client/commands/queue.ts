import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

export function registerQueueCommands(program: Command, ctx: CliContext): void {
  const queue = program.command('queue').description('the merge queue that lands passing tasks on a base branch');
  queue
    .command('show')
    .description('entries waiting to land, their positions, and the batch under test')
    .option('--repo <path-or-url>', 'git repository: a local path or a remote URL', '.')
    .option('--branch <name>', "base branch (default: the repo's current branch)")
    .option('--json', 'print JSON')
    .action(async (opts: { repo: string; branch?: string; json?: boolean }) => {
      const [{ repoAndBranch }, { formatQueue, showQueue }] = await Promise.all([
        import('../quality-commands.js'),
        import('../queue-show.js'),
      ]);
      const { repo, branch } = await repoAndBranch(opts.repo, opts.branch, ctx.config, ctx.io.env);
      const view = await showQueue(await ctx.temporal(), repo, branch);
      ctx.print(opts.json, view, () => formatQueue(view));
    });
}
