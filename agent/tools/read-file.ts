import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineTool, ToolError } from './tool.js';
import { resolveWorktreePath } from './worktree-path.js';

export const readFileTool = defineTool({
  name: 'read_file',
  description:
    'Read a text file in the repository. Long files are returned in pages: pass `offset` (1-based line) and `limit` to read further.',
  input: z.object({
    path: z.string().min(1).describe('file path relative to the repository root'),
    offset: z.number().int().min(1).max(10_000_000).optional().describe('first line to return (1-based), default 1'),
    limit: z.number().int().min(1).max(100_000).optional().describe('number of lines to return'),
  }),
  async run({ path: requested, offset = 1, limit }, env) {
    const file = await resolveWorktreePath(env.worktree, requested);
    const content = await readFile(file.absolute);
    if (content.includes(0))
      throw new ToolError(`${file.relative} is a binary file (${content.length} bytes); not shown`);
    const lines = content.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const count = Math.min(limit ?? env.limits.maxReadLines, env.limits.maxReadLines);
    const page = lines.slice(offset - 1, offset - 1 + count);
    const last = offset - 1 + page.length;
    const text = page.join('\n');
    const whole = offset === 1 && last === lines.length;
    if (whole) return { ok: true, output: text };
    if (page.length === 0)
      return { ok: true, output: `[${file.relative} has ${lines.length} lines; nothing at line ${offset}]` };
    return { ok: true, output: `[lines ${offset}-${last} of ${lines.length}; pass offset to read more]\n${text}` };
  },
});
