import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { taskId } from './parse.js';

export function registerQualityCommands(program: Command, ctx: CliContext): void {
  const quality = program.command('quality').description('quality baselines and gate results');
  const baseline = quality.command('baseline').description('the baseline a branch is judged against');
  baseline
    .command('set')
    .description("run the repo's checks on a branch's head and store the result as its baseline")
    .option('--repo <path-or-url>', 'git repository: a local path or a remote URL', '.')
    .option('--branch <name>', "branch (default: the repo's current branch)")
    .option('--json', 'print JSON')
    .action(async (opts: { repo: string; branch?: string; json?: boolean }) => {
      const config = ctx.config;
      const { formatSnapshot, repoAndBranch, setBaseline } = await import('../quality-commands.js');
      await repoAndBranch(opts.repo, opts.branch, ctx.config, ctx.io.env);
      const stored = await setBaseline(config, await ctx.store(), opts, ctx.io.env);
      ctx.print(opts.json, stored, () => formatSnapshot('baseline set', stored));
    });

  baseline
    .command('show')
    .description("a branch's stored baseline: each check, what it read, and which checks it judges by exit code only")
    .option('--repo <path-or-url>', 'git repository: a local path or a remote URL', '.')
    .option('--branch <name>', "branch (default: the repo's current branch)")
    .option('--json', 'print JSON')
    .action(async (opts: { repo: string; branch?: string; json?: boolean }) => {
      const { formatSnapshot, repoAndBranch, showQuality } = await import('../quality-commands.js');
      await repoAndBranch(opts.repo, opts.branch, ctx.config, ctx.io.env);
      const shown = await showQuality(
        await ctx.store(),
        { repo: opts.repo, branch: opts.branch },
        ctx.config,
        ctx.io.env,
      );
      ctx.print(opts.json, shown.baseline, () => formatSnapshot('baseline', shown.baseline));
    });

  quality
    .command('show')
    .description("a task's latest quality snapshot against its baseline, or a branch's baseline")
    .option('--task <id>', 'task id', taskId)
    .option('--repo <path>', 'git repository (without --task)', '.')
    .option('--branch <name>', "branch (default: the repo's current branch)")
    .option('--json', 'print JSON')
    .action(async (opts: { task?: string; repo: string; branch?: string; json?: boolean }) => {
      const { formatSnapshot, repoAndBranch, showQuality } = await import('../quality-commands.js');
      if (!opts.task) await repoAndBranch(opts.repo, opts.branch, ctx.config, ctx.io.env);
      const shown = await showQuality(await ctx.store(), opts, ctx.config, ctx.io.env);
      ctx.print(opts.json, shown, () =>
        [
          shown.task ? formatSnapshot(`task ${shown.task}, latest attempt`, shown.snapshot) : null,
          formatSnapshot('baseline', shown.baseline),
        ]
          .filter(Boolean)
          .join('\n\n'),
      );
    });
}
