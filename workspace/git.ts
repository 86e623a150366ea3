import { execFile } from 'node:child_process';

export class GitError extends Error {
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

const IDENTITY = ['-c', 'user.name=Jetpack Swarm', '-c', 'user.email=swarm@jetpack.invalid', '-c', 'commit.gpgsign=false'];

/** Runs git without a shell; throws GitError naming the command and git's own message. */
export function git(cwd: string, args: string[], options: { signal?: AbortSignal } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...IDENTITY, ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, signal: options.signal, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (err, stdout, stderr) => {
        if (err) {
          const code = typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null;
          const detail = (stderr || err.message).trim().split('\n').slice(-5).join('\n');
          reject(new GitError(`git ${args.join(' ')} failed in ${cwd}: ${detail}`, args, stderr, code));
        } else resolve(stdout.trimEnd());
      },
    );
  });
}

/** Like git(), but returns null instead of throwing when git exits non-zero. */
export async function gitMaybe(cwd: string, args: string[]): Promise<string | null> {
  try {
    return await git(cwd, args);
  } catch (err) {
    if (err instanceof GitError) return null;
    throw err;
  }
}
