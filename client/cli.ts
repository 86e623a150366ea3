import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig, ConfigError, type SwarmConfig } from '../config/config.js';
import type { Store } from '../db/index.js';
import { PRIORITIES, TASK_STATUSES, type TaskStatus } from '../tasks/task.js';
import { runWorkerProcess } from '../workers/main.js';
import { openSwarmStore } from '../workers/swarm-store.js';
import { runDemo } from './demo.js';
import { formatAgents, formatMemories, formatMemoryHits, formatStatus, formatTask, formatTaskList } from './format.js';
import { EmbeddingDimensionMismatchError, MEMORY_TYPES, MemoryInputError, type MemoryStore, type MemoryType } from '../memory/index.js';
import { openMemory } from '../memory/open-memory.js';
import { ensureLocalTemporal, spawnWorker, stopLocalTemporal, stopWorker } from './local-stack.js';
import { formatSnapshot, setBaseline, showQuality } from './quality-commands.js';
import { createSwarmClient, TaskInputError, type SwarmClient } from './swarm-client.js';
import { connectTemporal, ensureSearchAttributes } from './temporal-connection.js';

/** Lazily opened resources, so `swarm task list` never needs Temporal and `--help` needs nothing. */
class CliContext {
  private storePromise?: Promise<Store>;
  private temporalPromise?: ReturnType<typeof connectTemporal>;
  readonly config: SwarmConfig = loadConfig();

  store(): Promise<Store> {
    this.storePromise ??= openSwarmStore(this.config, process.env);
    return this.storePromise;
  }

  async memory(): Promise<MemoryStore> {
    return openMemory(this.config, await this.store(), process.env);
  }

  temporal(): ReturnType<typeof connectTemporal> {
    this.temporalPromise ??= connectTemporal(this.config);
    return this.temporalPromise;
  }

  async client(): Promise<SwarmClient> {
    return createSwarmClient({ config: this.config, store: await this.store(), temporal: await this.temporal() });
  }

  async close(): Promise<void> {
    await (await this.temporalPromise?.catch(() => undefined))?.connection.close();
    (await this.storePromise?.catch(() => undefined))?.close();
  }
}

const print = (json: boolean, value: unknown, text: () => string) => console.log(json ? JSON.stringify(value, null, 2) : text());

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
  return n;
};

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive whole number, got "${value}"`);
  return n;
};

function buildProgram(ctx: () => CliContext): Command {
  const program = new Command('swarm')
    .description('Jetpack Cloud: a durable multi-agent swarm for software development, on Temporal and libSQL')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('start')
    .description('start the local stack: a Temporal dev server with Web UI (unless one answers) and one worker per model type')
    .option('--models <types>', 'comma-separated model types to run workers for (default: all configured)', list)
    .action(async (opts: { models?: string[] }) => {
      const c = ctx();
      const types = opts.models ?? Object.keys(c.config.models);
      const unknown = types.filter((t) => !Object.hasOwn(c.config.models, t));
      if (unknown.length > 0) throw new ConfigError(`unknown model type(s): ${unknown.join(', ')} (configured: ${Object.keys(c.config.models).join(', ')})`);
      await ensureLocalTemporal(c.config, (line: string) => console.log(line));
      await ensureSearchAttributes(await c.temporal(), c.config.temporal.namespace);
      await c.store();
      const workers = types.map((type) => spawnWorker(type));
      console.log(`Web UI: ${c.config.temporal.uiUrl}/namespaces/${c.config.temporal.namespace}/workflows`);
      console.log(`running ${workers.length} worker(s) (${types.join(', ')}); Ctrl-C stops them (the Temporal server keeps running: "swarm server stop")`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
          void Promise.all(workers.map(stopWorker)).then(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        for (const w of workers) w.once('exit', () => workers.every((x) => x.exitCode !== null || x.signalCode !== null) && resolve());
      });
    });

  program
    .command('server')
    .description('manage the local Temporal dev server')
    .addCommand(
      new Command('stop').description('stop the dev server that "swarm start" or "swarm demo" started').action(() => {
        console.log(stopLocalTemporal(ctx().config) ? 'Temporal dev server stopped' : 'no Temporal dev server started by swarm is running');
      }),
    );

  program
    .command('worker')
    .description('run a worker for one model type (serves the jetpack.<type> task queue)')
    .requiredOption('--model <type>', 'model type')
    .action(async (opts: { model: string }) => {
      await runWorkerProcess(opts.model);
    });

  program
    .command('demo')
    .description('run an example task end to end on the local stack and print where to see it in the Web UI')
    .action(async () => {
      const c = ctx();
      const log = (line: string) => console.log(line);
      await ensureLocalTemporal(c.config, log);
      await ensureSearchAttributes(await c.temporal(), c.config.temporal.namespace);
      await runDemo(c.config, await c.client(), log);
    });

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
    .option('--repo <path>', 'git repository to work on', '.')
    .option('--base <branch>', 'base branch (default: the repo\'s current branch)')
    .option('--model <type>', 'model type (default: routed by skills)')
    .option('--max-attempts <n>', 'attempts before the task fails', positiveInt('--max-attempts'))
    .option('--max-tokens <n>', 'token budget; over it the task pauses for approval', positiveInt('--max-tokens'))
    .option('--max-usd <amount>', 'cost budget in USD; over it the task pauses for approval', positiveNumber('--max-usd'))
    .option('--wait', 'wait for the task to finish and print its result')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      if (opts.description !== undefined && opts.descriptionFile !== undefined) throw new TaskInputError('give --description or --description-file, not both');
      let description: string | undefined = opts.description;
      if (opts.descriptionFile !== undefined) {
        try {
          description = readFileSync(opts.descriptionFile, 'utf8');
        } catch (err) {
          throw new TaskInputError(`cannot read --description-file: ${(err as Error).message}`);
        }
      }
      if (description === undefined) throw new TaskInputError('a description is needed: --description or --description-file');
      const client = await ctx().client();
      const created = await client.createTask({
        title: opts.title, description, priority: opts.priority, skills: opts.skills, acceptanceCriteria: opts.criteria,
        repo: opts.repo, baseBranch: opts.base, model: opts.model, maxAttempts: opts.maxAttempts,
        budget: opts.maxTokens !== undefined || opts.maxUsd !== undefined ? { maxTokens: opts.maxTokens, maxCostUsd: opts.maxUsd } : undefined,
      });
      if (!opts.wait) {
        print(opts.json, created, () => `created task ${created.id} on ${created.modelType} (${client.workflowUrl(created.id)})`);
        return;
      }
      await client.waitForResult(created.id);
      const shown = (await client.showTask(created.id))!;
      print(opts.json, shown, () => formatTask(shown));
      if (shown.result?.status !== 'succeeded') process.exitCode = 1;
    });

  task
    .command('list')
    .description('list recent tasks')
    .addOption(new Option('--status <status>', 'only tasks in this status').choices(TASK_STATUSES))
    .option('--limit <n>', 'how many', positiveInt('--limit'), 50)
    .option('--json', 'print JSON')
    .action(async (opts: { status?: TaskStatus; limit: number; json?: boolean }) => {
      const tasks = await (await ctx().store()).tasks.list({ status: opts.status, limit: opts.limit });
      print(!!opts.json, tasks, () => formatTaskList(tasks));
    });

  task
    .command('show <id>')
    .description('show a task: attempts, checks, result and live workflow state')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const shown = await (await ctx().client()).showTask(id);
      if (!shown) throw new TaskInputError(`no task with id "${id}"`);
      print(!!opts.json, shown, () => formatTask(shown));
    });

  task
    .command('approve <id>')
    .description('let a task that went over its budget go on (without amounts, its limits are lifted)')
    .option('--add-tokens <n>', 'allow this many more tokens', positiveInt('--add-tokens'))
    .option('--add-usd <amount>', 'allow this much more spending', positiveNumber('--add-usd'))
    .action(async (id: string, opts: { addTokens?: number; addUsd?: number }) => {
      const budget = await (await ctx().client()).approveBudget(id, { addTokens: opts.addTokens, addCostUsd: opts.addUsd, by: process.env.USER });
      console.log(`task ${id} approved: it goes on (used ${budget.usedTokens} tokens, $${budget.usedCostUsd.toFixed(4)})`);
    });

  task
    .command('reject <id>')
    .description('fail a task that went over its budget')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, opts: { reason: string }) => {
      await (await ctx().client()).rejectBudget(id, opts.reason);
      console.log(`task ${id} rejected: it fails with the reason stored`);
    });

  task
    .command('cancel <id>')
    .description('cancel a running task (its worktree is cleaned up and the result recorded)')
    .action(async (id: string) => {
      await (await ctx().client()).cancelTask(id);
      console.log(`cancellation requested for task ${id}`);
    });

  const memory = program.command('memory').description('the shared memory: what tasks learned, searchable by meaning');
  memory
    .command('search <text>')
    .description('memories most similar to the text, with their similarity')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 10)
    .option('--threshold <similarity>', 'minimum cosine similarity (-1..1)', Number, 0)
    .addOption(new Option('--type <type>', 'only this type').choices(MEMORY_TYPES))
    .option('--branch <name>', 'memories of this branch and global ones')
    .option('--json', 'print JSON')
    .action(async (text: string, opts: { limit: number; threshold: number; type?: MemoryType; branch?: string; json?: boolean }) => {
      const hits = await (await ctx().memory()).vectorSearch({ text, limit: opts.limit, threshold: opts.threshold, type: opts.type, branch: opts.branch });
      print(!!opts.json, hits, () => formatMemoryHits(hits));
    });
  memory
    .command('add')
    .description('store a memory (a near-duplicate is merged into the existing one)')
    .requiredOption('--content <text>', 'what to remember')
    .addOption(new Option('--type <type>', 'kind of memory').choices(MEMORY_TYPES).default('codebase_knowledge'))
    .option('--importance <0..1>', 'how much it matters', Number)
    .option('--tags <list>', 'comma-separated tags', list)
    .option('--branch <name>', 'the branch it holds on (default: every branch)')
    .option('--ttl <seconds>', 'forget it after this many seconds', positiveInt('--ttl'))
    .option('--json', 'print JSON')
    .action(async (opts: { content: string; type: MemoryType; importance?: number; tags?: string[]; branch?: string; ttl?: number; json?: boolean }) => {
      const stored = await (await ctx().memory()).store({
        content: opts.content, type: opts.type, importance: opts.importance, tags: opts.tags, branch: opts.branch ?? null, ttlSeconds: opts.ttl,
      });
      print(!!opts.json, stored, () => `${stored.merged ? 'merged into' : 'stored'} memory ${stored.id}`);
    });
  memory
    .command('list')
    .description('recent memories')
    .addOption(new Option('--type <type>', 'only this type').choices(MEMORY_TYPES))
    .option('--branch <name>', 'memories of this branch and global ones')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 50)
    .option('--json', 'print JSON')
    .action(async (opts: { type?: MemoryType; branch?: string; limit: number; json?: boolean }) => {
      const memories = await (await ctx().memory()).list({ type: opts.type, branch: opts.branch, limit: opts.limit });
      print(!!opts.json, memories, () => formatMemories(memories));
    });

  const quality = program.command('quality').description('quality baselines and gate results');
  quality
    .command('baseline')
    .description('the baseline a branch is judged against')
    .addCommand(
      new Command('set')
        .description("run the repo's checks on a branch's head and store the result as its baseline")
        .option('--repo <path>', 'git repository', '.')
        .option('--branch <name>', "branch (default: the repo's current branch)")
        .option('--json', 'print JSON')
        .action(async (opts: { repo: string; branch?: string; json?: boolean }) => {
          const c = ctx();
          const stored = await setBaseline(c.config, await c.store(), opts);
          print(!!opts.json, stored, () => formatSnapshot('baseline set', stored));
        }),
    );
  quality
    .command('show')
    .description("a task's latest quality snapshot against its baseline, or a branch's baseline")
    .option('--task <id>', 'task id')
    .option('--repo <path>', 'git repository (without --task)', '.')
    .option('--branch <name>', "branch (default: the repo's current branch)")
    .option('--json', 'print JSON')
    .action(async (opts: { task?: string; repo: string; branch?: string; json?: boolean }) => {
      const shown = await showQuality(await ctx().store(), opts);
      print(!!opts.json, shown, () =>
        [shown.task ? formatSnapshot(`task ${shown.task}, latest attempt`, shown.snapshot) : null, formatSnapshot('baseline', shown.baseline)]
          .filter(Boolean)
          .join('\n\n'),
      );
    });

  program
    .command('status')
    .description('tasks by status and live workers by model type')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const store = await c.store();
      const status = {
        tasks: await store.tasks.countByStatus(),
        agents: await store.agents.list(),
        usageByModel: await store.modelCalls.totalsByModelType(),
        temporal: c.config.temporal,
      };
      print(!!opts.json, status, () => formatStatus(status));
    });

  program
    .command('agents')
    .description('the worker registry')
    .addCommand(
      new Command('list')
        .description("list workers (live ones by default; --all adds stopped and lost ones)")
        .option('--all', 'include offline workers')
        .option('--json', 'print JSON')
        .action(async (opts: { all?: boolean; json?: boolean }) => {
          const agents = await (await ctx().store()).agents.list({ includeOffline: !!opts.all });
          print(!!opts.json, agents, () => formatAgents(agents));
        }),
    );

  return program;
}

async function main(argv: string[]): Promise<void> {
  let context: CliContext | undefined;
  const ctx = () => (context ??= new CliContext());
  try {
    await buildProgram(ctx).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (or the help text).
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const inputError = err instanceof TaskInputError || err instanceof ConfigError || err instanceof MemoryInputError || err instanceof EmbeddingDimensionMismatchError;
    console.error(`swarm: ${inputError ? '' : 'error: '}${(err as Error).message}`);
    process.exitCode = inputError ? 2 : 1;
  } finally {
    await context?.close();
  }
}

await main(process.argv);
