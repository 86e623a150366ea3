import { lstat, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { defineTool, ToolError } from './tool.js';
import { resolveWorktreePath } from './worktree-path.js';

export const deleteFileTool = defineTool({
  name: 'delete_file',
  description: 'Delete one file (not a directory).',
  input: z.object({ path: z.string().min(1).describe('file path relative to the repository root') }),
  async run({ path: requested }, env) {
    const file = await resolveWorktreePath(env.worktree, requested);
    const found = await lstat(file.absolute).catch(() => null);
    if (!found) throw new ToolError(`${file.relative} does not exist`);
    if (found.isDirectory()) throw new ToolError(`${file.relative} is a directory; only files can be deleted`);
    await unlink(file.absolute);
    return { ok: true, output: `deleted ${file.relative}`, changedPath: file.relative };
  },
});
