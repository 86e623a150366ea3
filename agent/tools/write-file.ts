import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { requireWithinFileLimit } from './file-size.js';
import { defineTool } from './tool.js';
import { resolveWorktreePath } from './worktree-path.js';

export const writeFileTool = defineTool({
  name: 'write_file',
  description: 'Create a file, or replace its whole content. Parent directories are created.',
  input: z.object({
    path: z.string().min(1).describe('file path relative to the repository root'),
    content: z.string().describe('the complete new content of the file'),
  }),
  async run({ path: requested, content }, env) {
    const file = await resolveWorktreePath(env.worktree, requested);
    requireWithinFileLimit(file.relative, Buffer.byteLength(content), env.limits.maxFileBytes);
    await mkdir(path.dirname(file.absolute), { recursive: true });
    await writeFile(file.absolute, content);
    return {
      ok: true,
      output: `wrote ${Buffer.byteLength(content)} bytes to ${file.relative}`,
      changedPath: file.relative,
    };
  },
});
