import path from 'node:path';
import type { TokenUsage } from '../usage.js';

/** The running counts an interpreter keeps while reading a stream. */
export class StreamTally {
  turns = 0;
  usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  readonly files = new Set<string>();
  activity: string | undefined;
  costUsd: number | null = null;
  model: string | undefined;
  /** Real steps of work seen (turns, tool calls, token reports): what the stall rule watches. */
  progress = 0;
  readonly errors: string[] = [];

  constructor(private readonly worktree: string) {}

  /** Notes one real step of work. */
  advance(): void {
    this.progress++;
  }

  /** Notes an error the CLI printed (kept for summaries and the stall rule's reason). */
  error(message: string): void {
    this.errors.push(message);
    if (this.errors.length > 20) this.errors.shift();
  }

  /** The interpreter methods every CLI shares, read from this tally. */
  readers() {
    return {
      turns: () => this.turns,
      usage: () => this.usage,
      filesTouched: () => this.files,
      lastActivity: () => this.activity,
      costUsd: () => this.costUsd,
      model: () => this.model,
      progress: () => this.progress,
      errors: () => this.errors,
    };
  }

  /** Records a file the agent wrote, if the path lies inside the worktree. */
  touch(file: unknown): void {
    if (typeof file !== 'string' || file === '') return;
    const relative = path.relative(this.worktree, path.resolve(this.worktree, file));
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative))
      this.files.add(relative.split(path.sep).join('/'));
  }
}

/** Parses `event` by its `type` field with the schema registered for that type. */
export function dispatchByType<Handlers extends Record<string, (event: unknown) => boolean>>(
  event: unknown,
  handlers: Handlers,
) {
  if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string')
    return 'invalid' as const;
  const handler = handlers[(event as { type: string }).type];
  if (!handler) return 'unknown-type' as const;
  return handler(event) ? ('handled' as const) : ('invalid' as const);
}
