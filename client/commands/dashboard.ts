import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { TaskInputError } from '../task-input-error.js';
import { intBetween } from './parse.js';

export function registerDashboardCommand(program: Command, ctx: CliContext): void {
  program
    .command('dashboard')
    .description('serve a live web dashboard of tasks, agents, usage and quality (Ctrl-C stops it)')
    .option('--host <address>', 'address to bind (anything but loopback needs a token)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', intBetween('--port', 0, 65535), 8484)
    .option('--token <text>', 'require this token (default when not on loopback: a random one, printed)')
    .action(async (opts: { host: string; port: number; token?: string }) => {
      const token = opts.token ?? ctx.io.env.SWARM_DASHBOARD_TOKEN;
      if (token !== undefined && !/^[\w.~-]{16,200}$/.test(token))
        throw new TaskInputError('--token must be 16 to 200 letters, digits or -._~');
      const { startDashboard } = await import('../dashboard/server.js');
      const dashboard = await startDashboard({
        store: await ctx.store(),
        client: await ctx.client(),
        temporalUiUrl: ctx.config.temporal.uiUrl,
        host: opts.host,
        port: opts.port,
        token,
      });
      ctx.log(`dashboard on ${dashboard.url}  (Ctrl-C stops it)`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await dashboard.close();
    });
}
