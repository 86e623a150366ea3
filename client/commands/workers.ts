import { InvalidArgumentError, type Command } from 'commander';
import { buildIdSchema } from '../../config/versioning-config.js';
import type { CliContext } from '../cli-context.js';
import { positiveNumber } from './parse.js';

const buildId = (value: string) => {
  const parsed = buildIdSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`--build-id: ${parsed.error.issues[0]?.message}`);
  return value;
};

/** `swarm workers`: each model type's Worker Deployment (README "Worker versioning and rolling upgrades"). */
export function registerWorkersCommands(program: Command, ctx: CliContext): void {
  const workers = program.command('workers').description("each model type's Temporal Worker Deployment and builds");
  workers
    .command('list')
    .description('the builds of each model type: which is current, which still drain pinned tasks')
    .option('--model <type>', 'one model type (default: every configured one)')
    .option('--json', 'print JSON')
    .action(async (opts: { model?: string; json?: boolean }) => {
      const [{ describeDeployment, deploymentNameForModel, PromotionError }, { formatDeployments }] = await Promise.all(
        [import('../../workers/worker-deployment.js'), import('../format-deployments.js')],
      );
      const { config } = ctx;
      const types = opts.model ? [opts.model] : Object.keys(config.models);
      if (opts.model && !Object.hasOwn(config.models, opts.model)) {
        throw new PromotionError(`model type "${opts.model}" is not configured`);
      }
      const service = (await ctx.temporal()).workflowService;
      const list = await Promise.all(
        types.map(async (modelType) => {
          const deploymentName = deploymentNameForModel(config.temporal.taskQueuePrefix, modelType);
          const deployment = await describeDeployment(service, config.temporal.namespace, deploymentName);
          return { modelType, deploymentName, deployment };
        }),
      );
      ctx.print(opts.json, list, () => formatDeployments(list, config.temporal.versioning.enabled));
    });
  workers
    .command('promote')
    .description('make a build current for a model type: new tasks start on it, running ones stay on theirs')
    .requiredOption('--model <type>', 'model type')
    .requiredOption('--build-id <id>', 'the build (as `swarm workers list` shows it)', buildId)
    .option('--wait <seconds>', 'how long to wait for a worker of the build to poll', positiveNumber('--wait'), 60)
    .option('--json', 'print JSON')
    .action(async (opts: { model: string; buildId: string; wait: number; json?: boolean }) => {
      const { deploymentNameForModel, promoteVersion, PromotionError } =
        await import('../../workers/worker-deployment.js');
      const { config } = ctx;
      if (!Object.hasOwn(config.models, opts.model)) {
        throw new PromotionError(`model type "${opts.model}" is not configured`);
      }
      const version = {
        deploymentName: deploymentNameForModel(config.temporal.taskQueuePrefix, opts.model),
        buildId: opts.buildId,
      };
      const previous = await promoteVersion((await ctx.temporal()).workflowService, {
        namespace: config.temporal.namespace,
        version,
        identity: `swarm-cli@${process.pid}`,
        waitMs: opts.wait * 1000,
      });
      const result = { ...version, previousBuildId: previous?.buildId ?? null };
      ctx.print(
        opts.json,
        result,
        () =>
          `build ${version.buildId} is now current for ${version.deploymentName} (was ${previous?.buildId ?? 'unversioned'}); ` +
          'running tasks stay on their build: `swarm workers list` shows when the old one has drained',
      );
    });
}
