import type { Command } from 'commander';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker for one model type (serves the jetpack.<type> task queue)')
    .requiredOption('--model <type>', 'model type')
    .action(async (opts: { model: string }) => {
      // The Temporal worker runtime, the workflows and the model adapters: only this command needs them.
      const { runWorkerProcess } = await import('../../workers/main.js');
      await runWorkerProcess(opts.model);
    });
}
