import { CommanderError } from 'commander';
import { CliContext } from './cli-context.js';
import { processIo, type CliIo } from './cli-io.js';
import { exitCodeFor } from './exit-code.js';
import { buildProgram } from './program.js';

/** Runs one `swarm` command line (the arguments after `swarm`) and returns its exit code. */
export async function runCli(args: string[], io: CliIo = processIo()): Promise<number> {
  const ctx = new CliContext(io);
  try {
    await buildProgram(ctx).parseAsync(args, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    const code = exitCodeFor(err);
    // Commander has already printed its message (or the help text).
    if (!(err instanceof CommanderError)) io.writeErr(`swarm: ${code === 2 ? '' : 'error: '}${(err as Error).message}\n`);
    return code;
  } finally {
    await ctx.close();
  }
}
