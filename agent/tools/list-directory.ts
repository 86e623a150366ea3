import { readdir } from 'node:fs/promises';
import { z } from 'zod';
import { defineTool } from './tool.js';
import { resolveWorktreePath } from './worktree-path.js';

export const listDirectoryTool = defineTool({
  name: 'list_directory',
  description: 'List the entries of a directory (not recursive). Directories end with "/".',
  input: z.object({
    path: z.string().default('.').describe('directory relative to the repository root; default: the root'),
  }),
  async run({ path: requested }, env) {
    const dir = await resolveWorktreePath(env.worktree, requested);
    const entries = (await readdir(dir.absolute, { withFileTypes: true }))
      .filter((entry) => !(dir.relative === '.' && entry.name === '.git'))
      .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
      .sort();
    if (entries.length === 0) return { ok: true, output: `${dir.relative} is empty` };
    const shown = entries.slice(0, env.limits.maxListEntries);
    const more = entries.length - shown.length;
    return { ok: true, output: shown.join('\n') + (more > 0 ? `\n… [${more} more entries not shown]` : '') };
  },
});
