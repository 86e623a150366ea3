import { homedir } from 'node:os';
import path from 'node:path';
import { DEFAULT_SANDBOX_LIMITS, type Sandbox, type SandboxKind, type SandboxLimits } from '../../process/sandbox.js';
import { sandboxSettings, taskSandbox } from '../../process/task-sandbox.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, nodeProjectFiles } from './fixture-repo.js';

export const SECRET = 'sk-test-0123456789-do-not-leak';

/**
 * A task's layout as a worker makes it: the user's repository, SWARM_HOME holding the task's
 * worktree (a git worktree of the repository), and the sandbox settings of a worker whose
 * environment holds OPENAI_API_KEY.
 */
export async function createSandboxFixture(root: string, files: Record<string, string> = nodeProjectFiles()) {
  const repo = await createFixtureRepo(path.join(root, 'repo'), files);
  const swarmHome = path.join(root, 'home');
  const worktree = path.join(swarmHome, 'worktrees', 'task-1');
  await git(repo, ['worktree', 'add', '--quiet', '-b', 'swarm/task-1', worktree]);
  const sourceEnv = { ...process.env, OPENAI_API_KEY: SECRET };
  const sandboxOf = (
    kind: SandboxKind,
    options: { network?: boolean; limits?: Partial<SandboxLimits>; passEnv?: string[] } = {},
  ): Promise<Sandbox> => {
    const settings = sandboxSettings({
      kind,
      limits: { ...DEFAULT_SANDBOX_LIMITS, ...options.limits },
      swarmHome,
      workerHome: homedir(),
      sourceEnv,
    });
    return taskSandbox(settings, {
      key: 'task-1',
      worktree,
      repo,
      network: options.network ?? false,
      passEnv: options.passEnv,
    });
  };
  return { root, repo, swarmHome, worktree, sourceEnv, sandboxOf };
}
export type SandboxFixture = Awaited<ReturnType<typeof createSandboxFixture>>;
