import { execFile } from 'node:child_process';
import { gitEnv, type ConfigEntry } from './git-env.js';
import { SwarmError } from '../errors/swarm-error.js';

export class GitError extends SwarmError {
  readonly kind = 'transient' as const;
  override name = 'GitError';
  constructor(
    message: string,
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/** Where and on which repository one git runs. */
export interface GitContext {
  /** The working directory; pathspecs are relative to it. */
  cwd: string;
  /** Variables that pin the repository: GIT_DIR, GIT_WORK_TREE, GIT_COMMON_DIR, GIT_CEILING_DIRECTORIES, ... */
  vars: Record<string, string>;
  /** Command-scope config on top of HARDENING_CONFIG (e.g. the repository's drivers, neutralised). */
  config: readonly ConfigEntry[];
}

/** Runs git without a shell or stdin in `ctx`; throws GitError naming the command and git's own message. */
export function runGit(ctx: GitContext, args: string[], options: { signal?: AbortSignal } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd: ctx.cwd, maxBuffer: 64 * 1024 * 1024, signal: options.signal, env: gitEnv(ctx.vars, ctx.config) },
      (err, stdout, stderr) => {
        if (err) {
          const code = typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
          const detail = (stderr || err.message).trim().split('\n').slice(-5).join('\n');
          reject(new GitError(`git ${args.join(' ')} failed in ${ctx.cwd}: ${detail}`, args, stderr, code));
        } else resolve(stdout.trimEnd());
      },
    );
    child.stdin?.end();
  });
}

/** Like runGit(), but returns null instead of throwing when git exits non-zero. */
export async function runGitMaybe(ctx: GitContext, args: string[]): Promise<string | null> {
  try {
    return await runGit(ctx, args);
  } catch (err) {
    if (err instanceof GitError) return null;
    throw err;
  }
}

/** Runs git and returns its exit code with its output, for commands whose non-zero exit is an answer (merge-tree). */
export function runGitWithCode(ctx: GitContext, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd: ctx.cwd, maxBuffer: 64 * 1024 * 1024, env: gitEnv(ctx.vars, ctx.config) },
      (err, stdout, stderr) => {
        const code = err ? (err as { code?: unknown }).code : 0;
        if (typeof code !== 'number') {
          reject(
            new GitError(
              `git ${args.join(' ')} failed in ${ctx.cwd}: ${(stderr || String(err)).trim()}`,
              args,
              stderr,
              null,
            ),
          );
        } else resolve({ code, stdout: stdout.trimEnd() });
      },
    );
    child.stdin?.end();
  });
}
