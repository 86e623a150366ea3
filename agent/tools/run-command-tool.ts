import { z } from 'zod';
import { runCommand } from '../../process/run-command.js';
import { defineTool } from './tool.js';

export const runCommandTool = defineTool({
  name: 'run_command',
  description:
    'Run a shell command (/bin/sh) in the repository root, e.g. the tests or a build. Output (stdout and stderr) is ' +
    'bounded; the command is stopped at the timeout.',
  input: z.object({
    command: z.string().min(1).describe('the shell command line'),
    timeout_seconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .optional()
      .describe('stop the command after this many seconds'),
  }),
  async run({ command, timeout_seconds: timeoutSeconds }, env) {
    const { limits } = env;
    const timeoutMs = Math.min(
      timeoutSeconds ? timeoutSeconds * 1_000 : limits.defaultCommandTimeoutMs,
      limits.maxCommandTimeoutMs,
    );
    const result = await runCommand({
      cwd: env.worktree,
      command,
      env: env.commandEnv,
      sandbox: env.sandbox,
      timeoutMs,
      outputLimitBytes: limits.commandOutputLimitBytes,
      signal: env.signal,
      onStart: env.onCommandStart,
    });
    const status = result.cancelled
      ? 'cancelled'
      : result.timedOut
        ? `timed out after ${Math.round(timeoutMs / 1_000)} s and was stopped`
        : result.exitCode !== null
          ? `exit code ${result.exitCode}`
          : `killed by ${result.signal}`;
    const ok = result.exitCode === 0 && !result.timedOut && !result.cancelled;
    return { ok, output: `${status} (${result.durationMs} ms)\n${result.output}` };
  },
});
