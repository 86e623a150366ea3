import { CommanderError } from 'commander';
import { CliContext } from './cli-context.js';
import { processIo, type CliIo } from './cli-io.js';
import { exitCodeFor } from './exit-code.js';
import { buildProgram } from './program.js';
import { safeForTerminal } from './terminal-text.js';

/** An error's message as one harmless line (git and other tools answer in several). */
const oneLine = (err: unknown) =>
  safeForTerminal((err instanceof Error ? err.message : String(err)).trim().replace(/\s*\n\s*/g, ' ') || String(err));

/** Runs one `swarm` command line (the arguments after `swarm`) and returns its exit code. */
export async function runCli(args: string[], io: CliIo = processIo()): Promise<number> {
  const ctx = new CliContext(io);
  try {
    await buildProgram(ctx).parseAsync(args, { from: 'user' });
    return ctx.exitCode;
  } catch (caught) {
    const err = ctx.explain(caught);
    const code = exitCodeFor(err);
    // Commander has already printed its message (or the help text).
    if (!(err instanceof CommanderError)) io.writeErr(`swarm: ${code === 2 ? '' : 'error: '}${oneLine(err)}\n`);
    return code;
  } finally {
    await ctx.close();
  }
}
