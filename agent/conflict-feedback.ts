import { readFileSync } from 'node:fs';
import Mustache from 'mustache';
import type { ConflictedFile } from '../workspace/merge-conflict.js';

const TEMPLATE = readFileSync(new URL('./prompts/conflict.md', import.meta.url), 'utf8');
/** A side longer than this is cut: the agent reads the whole file in its worktree anyway. */
const SIDE_LIMIT = 4_000;

const side = (text: string | null) =>
  text === null
    ? '(the file does not exist on this side)'
    : text.length > SIDE_LIMIT
      ? `${text.slice(0, SIDE_LIMIT)}\n…`
      : text;

/** What a conflict-resolution attempt reads (as its feedback): each conflicted file with both sides and the base commits that caused it. */
export function conflictFeedback(input: {
  baseBranch: string;
  baseSha: string;
  baseCommits: string[];
  files: ConflictedFile[];
}): string {
  return Mustache.render(
    TEMPLATE,
    {
      ...input,
      baseCommitList: input.baseCommits.length > 0 ? input.baseCommits.join(', ') : '(none found)',
      files: input.files.map((f) => ({ path: f.path, ours: side(f.ours), theirs: side(f.theirs) })),
    },
    {},
    { escape: (s: string) => s },
  ).trim();
}
