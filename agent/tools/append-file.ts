import { appendFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { requireWithinFileLimit } from './file-size.js';
import { defineTool } from './tool.js';
import { resolveWorktreePath } from './worktree-path.js';

export const appendFileTool = defineTool({
  name: 'append_file',
  description: 'Append text to the end of a file, creating it (and its parent directories) when missing.',
  input: z.object({
    path: z.string().min(1).describe('file path relative to the repository root'),
    content: z.string().describe('the text to append'),
  }),
  async run({ path: requested, content }, env) {
    const file = await resolveWorktreePath(env.worktree, requested);
    const before = (await stat(file.absolute).catch(() => null))?.size ?? 0;
    const added = Buffer.byteLength(content);
    requireWithinFileLimit(file.relative, before + added, env.limits.maxFileBytes);
    await mkdir(path.dirname(file.absolute), { recursive: true });
    await appendFile(file.absolute, content);
    return { ok: true, output: `appended ${added} bytes to ${file.relative}`, changedPath: file.relative };
  },
});
