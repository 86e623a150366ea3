import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatBranch, formatBranchList, formatMergeReport } from '../format-data-branches.js';

/** `swarm db branch …`: data branches, isolated copies of the swarm's data (data-branches/). */
export function registerDbCommands(program: Command, ctx: CliContext): void {
  const db = program.command('db').description("the swarm's data");
  const branch = db
    .command('branch')
    .description(
      'data branches: isolated copies of the data (tasks, attempts, memories, baselines), merged back later',
    );
  const service = async () => {
    const { dataBranches } = await import('../../data-branches/data-branches.js');
    return dataBranches(await ctx.dataStores());
  };

  branch
    .command('create')
    .description('make a data branch: a copy of --from (default main) as it is now')
    .argument('<name>', 'lowercase letters, digits and dashes')
    .option('--from <branch>', 'the branch to copy', 'main')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { from: string; json?: boolean }) => {
      const created = await (await service()).create(name, { from: opts.from });
      ctx.print(
        opts.json,
        created,
        () => `created data branch ${created.name} from ${created.parent} (${created.backend})`,
      );
    });

  branch
    .command('list')
    .description('list the data branches')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const branches = await (await service()).list();
      ctx.print(opts.json, branches, () => formatBranchList(branches));
    });

  branch
    .command('show')
    .description('show a data branch: where it is, what it holds, when it was merged')
    .argument('<name>')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const shown = await (await service()).show(name);
      ctx.print(opts.json, shown, () => formatBranch(shown));
    });

  branch
    .command('merge')
    .description(
      'copy what the branch holds into --into (default main), in one transaction; merging again changes nothing',
    )
    .argument('<name>')
    .option('--into <branch>', 'the branch to merge into', 'main')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { into: string; json?: boolean }) => {
      const report = await (await service()).merge(name, { into: opts.into });
      ctx.print(opts.json, report, () => formatMergeReport(report));
    });

  branch
    .command('delete')
    .description('delete a data branch and its database (what was not merged is gone)')
    .argument('<name>')
    .action(async (name: string) => {
      await (await service()).delete(name);
      ctx.log(`deleted data branch ${name}`);
    });
}
