import path from 'node:path';
import type { TokenUsage } from '../usage.js';

/** The running counts an interpreter keeps while reading a stream. */
export class StreamTally {
  turns = 0;
  usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  readonly files = new Set<string>();
  activity: string | undefined;
  costUsd: number | null = null;

  constructor(private readonly worktree: string) {}

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
