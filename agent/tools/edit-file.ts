import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { requireWithinFileLimit } from './file-size.js';
import { defineTool, ToolError } from './tool.js';
import { resolveWorktreePath } from './worktree-path.js';

function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

export const editFileTool = defineTool({
  name: 'edit_file',
  description:
    'Replace one exact occurrence of `old_string` in a file with `new_string`. `old_string` must match the file exactly ' +
    '(whitespace included) and appear exactly once: include enough surrounding lines to make it unique.',
  input: z.object({
    path: z.string().min(1).describe('file path relative to the repository root'),
    old_string: z.string().min(1).describe('the exact text to replace'),
    new_string: z.string().describe('the replacement text'),
  }),
  async run({ path: requested, old_string: oldString, new_string: newString }, env) {
    const file = await resolveWorktreePath(env.worktree, requested);
    const content = await readFile(file.absolute, 'utf8');
    const occurrences = countOccurrences(content, oldString);
    if (occurrences === 0)
      throw new ToolError(`old_string was not found in ${file.relative}; read the file and copy the text exactly`);
    if (occurrences > 1) {
      throw new ToolError(
        `old_string appears ${occurrences} times in ${file.relative}; include more surrounding text so it is unique`,
      );
    }
    const at = content.indexOf(oldString);
    const edited = content.slice(0, at) + newString + content.slice(at + oldString.length);
    requireWithinFileLimit(file.relative, Buffer.byteLength(edited), env.limits.maxFileBytes);
    await writeFile(file.absolute, edited);
    return { ok: true, output: `edited ${file.relative}`, changedPath: file.relative };
  },
});
