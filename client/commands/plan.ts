import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { TaskInputError } from '../task-input-error.js';
import { intBetween, positiveInt, taskId } from './parse.js';

interface CreateOptions {
  goal?: string;
  goalFile?: string;
  repo: string;
  base?: string;
  model?: string;
  parallel?: number;
  autoApprove?: boolean;
  onFailure: 'continue' | 'stop';
  maxAttempts?: number;
  wait?: boolean;
  json?: boolean;
}

export function registerPlanCommands(program: Command, ctx: CliContext): void {
  const plan = program.command('plan').description('turn a goal into tasks with dependencies, run as one workflow');
  plan
    .command('create')
    .description('ask a planner model for tasks; they run once approved (or at once with --auto-approve)')
    .option('--goal <text>', 'what to achieve (for the local model: a ```plan block holding the JSON plan)')
    .option('--goal-file <path>', 'read the goal from a file')
    .option(
      '--repo <path-or-url>',
      'git repository to work on: a local path, or a remote URL (https://, ssh://, git@host:path, file://)',
      '.',
    )
    .option('--base <branch>', "base branch (default: the repo's current branch; for a URL, the remote's HEAD branch)")
    .option('--model <type>', 'planner model type, also used for the tasks (default: the default model)')
    .option('--parallel <n>', 'tasks running at once, at most (1 to 50, default 4)', intBetween('--parallel', 1, 50))
    .option('--auto-approve', 'start the plan without review')
    .addOption(
      new Option(
        '--on-failure <policy>',
        'continue: run what does not depend on a failed task; stop: start nothing new',
      )
        .choices(['continue', 'stop'])
        .default('continue'),
    )
    .option('--max-attempts <n>', 'attempts per task (1 to 10)', intBetween('--max-attempts', 1, 10))
    .option('--wait', 'wait for the plan to finish and print it')
    .option('--json', 'print JSON')
    .action(async (opts: CreateOptions) => {
      if ((opts.goal === undefined) === (opts.goalFile === undefined))
        throw new TaskInputError('give the goal with --goal or --goal-file (one of them)');
      let goal = opts.goal;
      if (opts.goalFile !== undefined) {
        const { readUserTextFile } = await import('../../config/user-file.js');
        try {
          goal = readUserTextFile(opts.goalFile, { maxBytes: 256 * 1024 });
        } catch (err) {
          throw new TaskInputError(`cannot read --goal-file: ${(err as Error).message}`);
        }
      }
      const input = {
        goal,
        repo: opts.repo,
        baseBranch: opts.base,
        model: opts.model,
        parallel: opts.parallel,
        autoApprove: opts.autoApprove ?? false,
        failurePolicy: opts.onFailure,
        maxAttempts: opts.maxAttempts,
      };
      const { validatePlanSubmission } = await import('../plan-submission.js');
      await validatePlanSubmission(ctx.config, input, ctx.io.env);
      const client = await ctx.planClient();
      const { formatPlan } = await import('../plan-format.js');
      const created = await client.createPlan(input);
      const shown = opts.wait
        ? await client.waitForPlan(created.plan.id).then(() => client.showPlan(created.plan.id))
        : await client.showPlan(created.plan.id);
      ctx.print(opts.json, shown, () => formatPlan(shown!));
      if (opts.wait && shown?.plan.status !== 'succeeded') ctx.exitCode = 1;
    });

  plan
    .command('show')
    .description("show a plan as a dependency tree with each task's status")
    .argument('<id>', 'plan id', taskId)
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const shown = await (await ctx.planClient()).showPlan(id);
      if (!shown) throw new TaskInputError(`no plan with id "${id}"`);
      const { formatPlan } = await import('../plan-format.js');
      ctx.print(opts.json, shown, () => formatPlan(shown));
    });

  plan
    .command('approve')
    .description('start a plan waiting for approval')
    .argument('<id>', 'plan id', taskId)
    .action(async (id: string) => {
      const progress = await (await ctx.planClient()).approvePlan(id, ctx.io.env.USER);
      ctx.log(`plan ${id} approved: ${progress.tasks.length} task(s) start as their dependencies land`);
    });

  plan
    .command('cancel')
    .description('cancel every unfinished task of a plan')
    .argument('<id>', 'plan id', taskId)
    .action(async (id: string) => {
      await (await ctx.planClient()).cancelPlan(id);
      ctx.log(`cancellation requested for plan ${id}`);
    });

  plan
    .command('list')
    .description('list recent plans')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 50)
    .option('--json', 'print JSON')
    .action(async (opts: { limit: number; json?: boolean }) => {
      const plans = await (await ctx.store()).plans.list(opts.limit);
      const { formatPlanList } = await import('../plan-format.js');
      ctx.print(opts.json, plans, () => formatPlanList(plans));
    });
}
