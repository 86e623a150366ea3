import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatSyncStatus } from '../format-sync.js';

/** `swarm sync …`: how this machine's data reaches its primary (replica mode). */
export function registerSyncCommands(program: Command, ctx: CliContext): void {
  const sync = program.command('sync').description("the replica's sync with its primary (replica mode)");

  sync
    .command('status')
    .description('mode, primary, last sync and its age, frames and generation, errors and outages')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      // Read from what every process using the replica recorded: no database is opened, so this works offline.
      const { database } = ctx.config;
      const { recordedReplicaStatus, staticSync } = await import('../../db/replica-sync.js');
      const status =
        database.mode === 'replica' ? recordedReplicaStatus(database) : await staticSync(database).getStatus();
      ctx.print(opts.json, status, () => formatSyncStatus(status));
    });

  sync
    .command('now')
    .description('pull what the primary has now; fails (exit 1) naming the primary when it cannot be reached')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await (await ctx.store()).sync.syncNow();
      ctx.print(opts.json, status, () =>
        status.mode === 'replica' ? `synced\n${formatSyncStatus(status)}` : formatSyncStatus(status),
      );
    });
}
