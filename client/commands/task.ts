import { Option, type Command } from 'commander';
import { readUserTextFile } from '../../config/user-file.js';
import { PRIORITIES, TASK_STATUSES, type Priority, type TaskStatus } from '../../tasks/task.js';
import type { CliContext } from '../cli-context.js';
import type { SwarmClient } from '../swarm-client.js';
import { formatTask, formatTaskList } from '../format.js';
import { TaskInputError } from '../task-input-error.js';
import { intBetween, list, positiveInt, positiveNumber, taskId } from './parse.js';

const branchName = async (value: string, what: string) =>
  (await import('../../data-branches/names.js')).parseBranchName(value, what, { allowMain: true });

/** Largest --description-file read; the description itself is limited to 200,000 characters. */
export const DESCRIPTION_FILE_MAX_BYTES = 256 * 1024;

interface CreateOptions {
  title: string;
  description?: string;
  descriptionFile?: string;
  priority: Priority;
  skills?: string[];
  criteria?: string[];
  repo: string;
  base?: string;
  model?: string;
  maxAttempts?: number;
  maxTokens?: number;
  maxUsd?: number;
  dataBranch?: string;
  dependsOn?: string[];
  wait?: boolean;
  json?: boolean;
}

function readDescription(opts: CreateOptions): string {
  if (opts.description !== undefined && opts.descriptionFile !== undefined)
    throw new TaskInputError('give --description or --description-file, not both');
  let description = opts.description;
  if (opts.descriptionFile !== undefined) {
    try {
      description = readUserTextFile(opts.descriptionFile, { maxBytes: DESCRIPTION_FILE_MAX_BYTES });
    } catch (err) {
      throw new TaskInputError(`cannot read --description-file: ${(err as Error).message}`);
    }
  }
  if (description === undefined)
    throw new TaskInputError('a description is needed: --description or --description-file');
  return description;
}

/**
 * Prints a progress line each time the task moves on, then the whole task when it ends. Ctrl-C
 * stops following and leaves the task running, saying how to follow it again.
 */
async function followTask(ctx: CliContext, client: SwarmClient, id: string): Promise<void> {
  const { untilInterrupted, watchTask } = await import('../watch-task.js');
  const shown = await untilInterrupted((signal) =>
    watchTask(
      () => client.showTask(id),
      (line) => ctx.log(`  ${line}`),
      { signal },
    ),
  );
  if (!shown) {
    ctx.log(`stopped watching; task ${id} keeps running. Follow it with: swarm task watch ${id}`);
    ctx.exitCode = 130;
    return;
  }
  ctx.log(formatTask(shown));
  if (shown.result?.status !== 'succeeded') ctx.exitCode = 1;
}

export function registerTaskCommands(program: Command, ctx: CliContext): void {
  const task = program.command('task').description('create and inspect tasks');
  task
    .command('create')
    .description('submit a development task; it runs as a Temporal workflow')
    .requiredOption('--title <text>', 'short title')
    .option('--description <text>', 'what to do (for the local model: its edit blocks)')
    .option('--description-file <path>', 'read the description from a file')
    .addOption(new Option('--priority <level>', 'priority').choices(PRIORITIES).default('medium'))
    .option('--skills <list>', 'comma-separated required skills', list)
    .option('--criteria <list>', 'comma-separated acceptance criteria', list)
    .option(
      '--repo <path-or-url>',
      'git repository to work on: a local path, or a remote URL (https://, ssh://, git@host:path, file://)',
      '.',
    )
    .option('--base <branch>', "base branch (default: the repo's current branch; for a URL, the remote's HEAD branch)")
    .option('--model <type>', 'model type (default: routed by skills)')
    .option('--max-attempts <n>', 'attempts before the task fails (1 to 10)', intBetween('--max-attempts', 1, 10))
    .option('--max-tokens <n>', 'token budget; over it the task pauses for approval', positiveInt('--max-tokens'))
    .option(
      '--max-usd <amount>',
      'cost budget in USD; over it the task pauses for approval',
      positiveNumber('--max-usd'),
    )
    .option('--data-branch <name>', "keep the task's records, memories and baselines on this data branch")
    .option('--depends-on <ids>', 'comma-separated ids of tasks that must succeed first', list)
    .option('--wait', 'wait for the task to finish and print its result')
    .option('--json', 'print JSON')
    .action(async (opts: CreateOptions) => {
      const input = {
        title: opts.title,
        description: readDescription(opts),
        priority: opts.priority,
        skills: opts.skills,
        acceptanceCriteria: opts.criteria,
        repo: opts.repo,
        baseBranch: opts.base,
        model: opts.model,
        maxAttempts: opts.maxAttempts,
        dependsOn: opts.dependsOn,
        budget:
          opts.maxTokens !== undefined || opts.maxUsd !== undefined
            ? { maxTokens: opts.maxTokens, maxCostUsd: opts.maxUsd }
            : undefined,
        dataBranch: opts.dataBranch,
      };
      // All of it is checked before the database or Temporal is reached: bad input never waits on them.
      const { validateTaskSubmission } = await import('../task-submission.js');
      await validateTaskSubmission(ctx.config, input, ctx.io.env);
      const client = await ctx.client();
      const created = await client.createTask(input);
      const createdLine = `created task ${created.id} on ${created.modelType} (${client.workflowUrl(created.id)})`;
      if (!opts.wait) {
        ctx.print(opts.json, created, () => createdLine);
        return;
      }
      if (opts.json) {
        await client.waitForResult(created.id);
        const shown = (await client.showTask(created.id))!;
        ctx.print(true, shown, () => '');
        if (shown.result?.status !== 'succeeded') ctx.exitCode = 1;
        return;
      }
      // The id and link at once, then a line each time the task moves on.
      ctx.log(createdLine);
      await followTask(ctx, client, created.id);
    });

  task
    .command('watch')
    .description('follow a task live until it finishes (Ctrl-C stops watching; the task goes on)')
    .argument('<id>', 'task id', taskId)
    .action(async (id: string) => {
      const client = await ctx.client();
      if (!(await client.showTask(id))) throw new TaskInputError(`no task with id "${id}"`);
      ctx.log(`task ${id} (${client.workflowUrl(id)})`);
      await followTask(ctx, client, id);
    });

  task
    .command('logs')
    .description("print an attempt's stored prompt, agent transcript, check output and feedback")
    .argument('<id>', 'task id', taskId)
    .option('--attempt <n>', 'which attempt (default: the latest)', positiveInt('--attempt'))
    .action(async (id: string, opts: { attempt?: number }) => {
      const { taskLogs } = await import('../task-logs.js');
      ctx.log(await taskLogs(await ctx.store(), id, opts.attempt));
    });

  task
    .command('list')
    .description('list recent tasks')
    .addOption(new Option('--status <status>', 'only tasks in this status').choices(TASK_STATUSES))
    .option('--limit <n>', 'how many', positiveInt('--limit'), 50)
    .option('--data-branch <name>', 'the tasks on this data branch (default: the main data)')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: TaskStatus; limit: number; dataBranch?: string; json?: boolean }) => {
      const store = opts.dataBranch
        ? await (await ctx.dataStores()).forBranch(await branchName(opts.dataBranch, '--data-branch'))
        : await ctx.store();
      const tasks = await store.tasks.list({ status: opts.status, limit: opts.limit });
      const { waitingFor } = await import('../task-dependencies.js');
      const waiting = await waitingFor(store, tasks);
      ctx.print(opts.json, tasks, () => formatTaskList(tasks, waiting));
    });

  task
    .command('show')
    .description('show a task: attempts, checks, result and live workflow state')
    .argument('<id>', 'task id', taskId)
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const shown = await (await ctx.client()).showTask(id);
      if (!shown) throw new TaskInputError(`no task with id "${id}"`);
      ctx.print(opts.json, shown, () => formatTask(shown));
    });

  task
    .command('approve')
    .description('let a task that went over its budget go on (without amounts, its limits are lifted)')
    .argument('<id>', 'task id', taskId)
    .option('--add-tokens <n>', 'allow this many more tokens', positiveInt('--add-tokens'))
    .option('--add-usd <amount>', 'allow this much more spending', positiveNumber('--add-usd'))
    .action(async (id: string, opts: { addTokens?: number; addUsd?: number }) => {
      const budget = await (
        await ctx.client()
      ).approveBudget(id, { addTokens: opts.addTokens, addCostUsd: opts.addUsd, by: ctx.io.env.USER });
      ctx.log(`task ${id} approved: it goes on (used ${budget.usedTokens} tokens, $${budget.usedCostUsd.toFixed(4)})`);
    });

  task
    .command('reject')
    .description('fail a task that went over its budget')
    .argument('<id>', 'task id', taskId)
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, opts: { reason: string }) => {
      const { multiLineProblem } = await import('../../tasks/text-rules.js');
      if (!opts.reason.trim()) throw new TaskInputError('a reason is needed to reject a budget');
      const problem = multiLineProblem('--reason', opts.reason);
      if (problem) throw new TaskInputError(problem);
      await (await ctx.client()).rejectBudget(id, opts.reason);
      ctx.log(`task ${id} rejected: it fails with the reason stored`);
    });

  task
    .command('cancel')
    .description(
      'cancel a running task (its worktree is cleaned up and the result recorded); a finished one is refused (exit 2)',
    )
    .argument('<id>', 'task id', taskId)
    .action(async (id: string) => {
      await (await ctx.client()).cancelTask(id);
      ctx.log(`cancellation requested for task ${id}`);
    });
}
