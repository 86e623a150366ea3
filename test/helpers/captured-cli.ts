import type { CliIo } from '../../client/cli-io.js';
import { runCli } from '../../client/run-cli.js';

/** A CLI io writing into strings, for running the `swarm` program in the test's process. */
export function capturedIo(
  env: Record<string, string | undefined>,
  cwd: string,
): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    writeOut: (t) => void (out.stdout += t),
    writeErr: (t) => void (out.stderr += t),
    env,
    cwd,
  };
  return { io, out };
}

/** Runs `swarm <args>` in this process with `env` and `cwd`: its exit code and what it wrote. */
export async function runCliCaptured(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, out } = capturedIo(env, cwd);
  const code = await runCli(args, io);
  return { code, ...out };
}
