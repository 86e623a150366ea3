import { SwarmError } from '../../errors/swarm-error.js';
/**
 * The language of the deterministic local model: fenced blocks in a task description whose info
 * string is an edit instruction. Other fenced blocks (```ts, ```sh, ...) are ordinary text.
 *
 *   ```write src/sum.js            whole-file content (creates directories as needed)
 *   ```append notes.md             appended to the file
 *   ```delete old/file.js          (empty body) removes the file
 *   ```run                        a shell command run in the worktree (body = the command)
 *   ```write src/sum.js attempts=1,2   only on attempts 1 and 2; `attempts=3-` means 3 and later
 */
export interface EditInstruction {
  op: 'write' | 'append' | 'delete' | 'run';
  /** The file for write/append/delete; empty for run. */
  path: string;
  content: string;
  attempts: ((attempt: number) => boolean) | null;
}

export class EditScriptError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'EditScriptError';
}

const FENCE = /^```(write|append|delete|run)\b([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;

function parseAttempts(spec: string, where: string): (attempt: number) => boolean {
  const parts = spec.split(',').map((p) => p.trim());
  const tests = parts.map((part) => {
    const range = /^(\d+)?-(\d+)?$/.exec(part);
    if (range && (range[1] || range[2])) {
      const lo = range[1] ? Number(range[1]) : 1;
      const hi = range[2] ? Number(range[2]) : Infinity;
      return (a: number) => a >= lo && a <= hi;
    }
    if (/^\d+$/.test(part)) return (a: number) => a === Number(part);
    throw new EditScriptError(`${where}: attempts must be like "2", "1,2" or "3-", got "${spec}"`);
  });
  return (attempt) => tests.some((t) => t(attempt));
}

export function parseEditScript(text: string): EditInstruction[] {
  const edits: EditInstruction[] = [];
  for (const match of text.matchAll(FENCE)) {
    const [, op, infoRest, body] = match as unknown as [string, EditInstruction['op'], string, string];
    const words = infoRest.trim().split(/\s+/).filter(Boolean);
    const filePath = op === 'run' ? '' : (words.shift() ?? '');
    const where = `\`\`\`${op} ${filePath}`.trim();
    if (op !== 'run' && (!filePath || filePath.includes('=')))
      throw new EditScriptError(`${where}: a file path must follow "${op}"`);
    let attempts: EditInstruction['attempts'] = null;
    for (const option of words) {
      const [key, value] = option.split('=');
      if (key !== 'attempts' || !value)
        throw new EditScriptError(`${where}: unknown option "${option}" (only attempts=... is allowed)`);
      attempts = parseAttempts(value, where);
    }
    edits.push({ op, path: filePath, content: body, attempts });
  }
  return edits;
}
