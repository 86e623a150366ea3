import { Option, type Command } from 'commander';
import { MEMORY_TYPES, type MemoryType } from '../../memory/types.js';
import type { CliContext } from '../cli-context.js';
import { formatMemories, formatMemoryHits } from '../format.js';
import { TaskInputError } from '../task-input-error.js';
import { intBetween, list, numberBetween, positiveInt } from './parse.js';

/** A --repo path as memories store it: the repository's top level (as tasks record their repo). */
async function repoKey(repo: string | undefined): Promise<string | undefined> {
  if (repo === undefined) return undefined;
  const [{ resolveRepo }, { parseRepoLocation }] = await Promise.all([
    import('../../workspace/worktree.js'),
    import('../../tasks/repo-location.js'),
  ]);
  try {
    const location = parseRepoLocation(repo);
    // A remote is named by its normalized URL, as its tasks record it.
    if (location.kind === 'remote') return location.url;
    return await resolveRepo(repo);
  } catch (err) {
    throw new TaskInputError(`--repo: ${(err as Error).message}`);
  }
}

/** Checks a memory (or a search text) before the database is opened, so bad input never waits on it. */
async function validateMemoryInput(input: unknown): Promise<void> {
  const [{ memoryInputSchema }, { formatZodError }] = await Promise.all([
    import('../../memory/types.js'),
    import('../../config/format-zod-error.js'),
  ]);
  const parsed = memoryInputSchema.safeParse(input);
  if (!parsed.success) throw new TaskInputError(`invalid memory: ${formatZodError(parsed.error)}`);
}

export function registerMemoryCommands(program: Command, ctx: CliContext): void {
  const memory = program.command('memory').description('the shared memory: what tasks learned, searchable by meaning');
  memory
    .command('search <text>')
    .description('memories most similar to the text, with their similarity')
    .option('--limit <n>', 'how many', intBetween('--limit', 1, 100), 10)
    .option('--threshold <similarity>', 'minimum cosine similarity (-1..1)', numberBetween('--threshold', -1, 1), 0)
    .addOption(new Option('--type <type>', 'only this type').choices(MEMORY_TYPES))
    .option('--branch <name>', 'memories of this branch and global ones')
    .option('--repo <path>', 'memories of this repository and those of every repository')
    .option('--json', 'print JSON')
    .action(
      async (
        text: string,
        opts: { limit: number; threshold: number; type?: MemoryType; branch?: string; repo?: string; json?: boolean },
      ) => {
        await validateMemoryInput({ content: text, type: 'learning', branch: opts.branch ?? null });
        const repo = await repoKey(opts.repo);
        const hits = await (
          await ctx.memory()
        ).vectorSearch({
          text,
          limit: opts.limit,
          threshold: opts.threshold,
          type: opts.type,
          branch: opts.branch,
          repo,
        });
        ctx.print(opts.json, hits, () => formatMemoryHits(hits));
      },
    );

  memory
    .command('add')
    .description('store a memory (a near-duplicate is merged into the existing one)')
    .requiredOption('--content <text>', 'what to remember')
    .addOption(new Option('--type <type>', 'kind of memory').choices(MEMORY_TYPES).default('codebase_knowledge'))
    .option('--importance <0..1>', 'how much it matters', numberBetween('--importance', 0, 1))
    .option('--tags <list>', 'comma-separated tags', list)
    .option('--branch <name>', 'the branch it holds on (default: every branch)')
    .option('--repo <path>', 'the repository it holds in (default: every repository)')
    .option('--ttl <seconds>', 'forget it after this many seconds', positiveInt('--ttl'))
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        content: string;
        type: MemoryType;
        importance?: number;
        tags?: string[];
        branch?: string;
        repo?: string;
        ttl?: number;
        json?: boolean;
      }) => {
        const input = {
          content: opts.content,
          type: opts.type,
          importance: opts.importance,
          tags: opts.tags,
          branch: opts.branch ?? null,
          repo: (await repoKey(opts.repo)) ?? null,
          ttlSeconds: opts.ttl,
        };
        await validateMemoryInput(input);
        const stored = await (await ctx.memory()).store(input);
        ctx.print(opts.json, stored, () => `${stored.merged ? 'merged into' : 'stored'} memory ${stored.id}`);
      },
    );

  memory
    .command('list')
    .description('recent memories')
    .addOption(new Option('--type <type>', 'only this type').choices(MEMORY_TYPES))
    .option('--branch <name>', 'memories of this branch and global ones')
    .option('--repo <path>', 'memories of this repository and those of every repository')
    .option('--limit <n>', 'how many', intBetween('--limit', 1, 1000), 50)
    .option('--json', 'print JSON')
    .action(async (opts: { type?: MemoryType; branch?: string; repo?: string; limit: number; json?: boolean }) => {
      if (opts.branch !== undefined) await validateMemoryInput({ content: '-', type: 'learning', branch: opts.branch });
      const memories = await (
        await ctx.memory()
      ).list({
        type: opts.type,
        branch: opts.branch,
        repo: await repoKey(opts.repo),
        limit: opts.limit,
      });
      ctx.print(opts.json, memories, () => formatMemories(memories));
    });
}
