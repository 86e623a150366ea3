import type { CliContext } from '../cli-context.js';

/** Makes sure the configured Temporal server answers (starting a local dev server if none does) and has our search attributes. */
export async function upLocalTemporal(ctx: CliContext): Promise<void> {
  const { ensureLocalTemporal } = await import('../local-stack.js');
  const { ensureSearchAttributes } = await import('../temporal-connection.js');
  await ensureLocalTemporal(ctx.config, (line) => ctx.log(line));
  await ensureSearchAttributes(await ctx.temporal(), ctx.config.temporal.namespace);
}
