import { spawn } from 'node:child_process';
import { gitSpawnOptions } from '../../workspace/git.js';
import { z } from 'zod';
import { clipText, defineTool, ToolError } from './tool.js';
import { resolveWorktreePath } from './worktree-path.js';

const MAX_LINE_CHARS = 300;
const SEARCH_TIMEOUT_MS = 30_000;

interface GrepResult {
  lines: string[];
  /** True when more matches existed than were read. */
  more: boolean;
  exitCode: number | null;
  stderr: string;
}

/** Runs git grep without a shell and stops reading (and the process) after `maxLines` matches. */
async function gitGrep(worktree: string, args: string[], maxLines: number, signal?: AbortSignal): Promise<GrepResult> {
  // The worker's hardened git: never the worktree's own .git, config or the worker's secrets.
  const { cwd, env } = await gitSpawnOptions(worktree);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['grep', ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
      timeout: SEARCH_TIMEOUT_MS,
    });
    const lines: string[] = [];
    let pending = '';
    let more = false;
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (more) return;
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        if (lines.length === maxLines) {
          more = true;
          child.kill();
          return;
        }
        lines.push(line);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2_000)));
    child.once('error', reject);
    child.once('close', (exitCode) => {
      if (!more && pending !== '' && lines.length < maxLines) lines.push(pending);
      resolve({ lines, more, exitCode, stderr });
    });
  });
}

export const searchTool = defineTool({
  name: 'search',
  description:
    'Search file contents in the repository (tracked and untracked files, not ignored ones) with git grep. ' +
    'Returns matching lines as path:line:text.',
  input: z.object({
    pattern: z.string().min(1).describe('extended regular expression, or a literal string with fixed_strings'),
    path: z.string().default('.').describe('directory or file to search in, relative to the repository root'),
    fixed_strings: z.boolean().default(false).describe('treat the pattern as a literal string'),
    ignore_case: z.boolean().default(false),
  }),
  async run({ pattern, path: requested, fixed_strings: fixed, ignore_case: ignoreCase }, env) {
    const scope = await resolveWorktreePath(env.worktree, requested);
    const args = [
      '-n',
      '-I',
      '--untracked',
      '--no-color',
      fixed ? '-F' : '-E',
      ...(ignoreCase ? ['-i'] : []),
      '-e',
      pattern,
      '--',
      scope.relative,
    ];
    const result = await gitGrep(env.worktree, args, env.limits.maxSearchMatches, env.signal);
    if (result.exitCode === 1 && result.lines.length === 0) return { ok: true, output: 'no matches' };
    if (!result.more && result.exitCode !== 0)
      throw new ToolError(`search failed: ${result.stderr.trim() || `git grep exited ${result.exitCode}`}`);
    const shown = result.lines.map((line) => clipText(line, MAX_LINE_CHARS)).join('\n');
    return {
      ok: true,
      output: result.more
        ? `${shown}\n… [more than ${result.lines.length} matches; narrow the pattern or the path]`
        : shown,
    };
  },
});
