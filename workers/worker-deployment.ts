import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { WorkflowService } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { WorkflowBundleOption } from '@temporalio/worker';
import type { SwarmConfig } from '../config/config.js';
import { PROJECT_ROOT } from '../config/project-root.js';
import { SwarmError } from '../errors/swarm-error.js';

/** One Temporal Worker Deployment per model type, named like its task queue (deployment names cannot hold "."). */
export const deploymentNameForModel = (taskQueuePrefix: string, modelType: string): string =>
  `${taskQueuePrefix}-${modelType}`;

/**
 * The build id of a workflow bundle: a hash of its code, so it changes exactly when the workflow code
 * (or the SDK bundled with it) does. The checkout's absolute path, which webpack writes into the
 * bundle's module ids, is left out: the same release gets the same id on every machine.
 */
export function buildIdForBundle(code: string): string {
  const hash = createHash('sha256').update(code.replaceAll(PROJECT_ROOT, '')).digest('hex');
  return `wf-${hash.slice(0, 12)}`;
}

async function bundleCode(bundle: WorkflowBundleOption): Promise<string> {
  return 'code' in bundle ? bundle.code : readFile(bundle.codePath, 'utf8');
}

/** This worker's deployment version, or null when worker versioning is off. */
export async function workerVersionFor(
  config: SwarmConfig,
  modelType: string,
  bundle: WorkflowBundleOption,
): Promise<WorkerDeploymentVersion | null> {
  const { enabled, buildId } = config.temporal.versioning;
  if (!enabled) return null;
  return {
    deploymentName: deploymentNameForModel(config.temporal.taskQueuePrefix, modelType),
    buildId: buildId ?? buildIdForBundle(await bundleCode(bundle)),
  };
}

export class PromotionError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'PromotionError';
}

/** gRPC codes the server answers while no worker of the version has polled yet. */
const NOT_YET_KNOWN = new Set([5 /* NOT_FOUND */, 9 /* FAILED_PRECONDITION */]);
const grpcCode = (err: unknown): number | undefined => (err as { code?: unknown }).code as number | undefined;

export interface PromoteOptions {
  namespace: string;
  version: WorkerDeploymentVersion;
  identity: string;
  /** How long to wait for a worker of the version to poll (the server knows a version only then). */
  waitMs: number;
  signal?: AbortSignal;
}

/**
 * Makes `version` its deployment's current version: new workflows of the model type start on it,
 * auto-upgrade ones move to it at their next workflow task, pinned ones stay where they are.
 * Returns the version that was current before (null: none, the queue was unversioned).
 */
export async function promoteVersion(
  service: WorkflowService,
  options: PromoteOptions,
): Promise<WorkerDeploymentVersion | null> {
  const { namespace, version, identity } = options;
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    try {
      const answer = await service.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity,
      });
      const previous = answer.previousDeploymentVersion;
      return previous?.buildId ? { deploymentName: previous.deploymentName ?? '', buildId: previous.buildId } : null;
    } catch (err) {
      if (!NOT_YET_KNOWN.has(grpcCode(err) ?? -1)) throw err;
      if (Date.now() >= deadline || options.signal?.aborted) {
        throw new PromotionError(
          `build "${version.buildId}" of deployment "${version.deploymentName}" cannot be made current: ` +
            `no worker of it has polled within ${Math.round(options.waitMs / 1000)} s (${(err as Error).message})`,
          { cause: err },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Drainage as the server reports it (temporal.api.enums.v1.VersionDrainageStatus). */
const DRAINAGE: Record<number, VersionSummary['drainage']> = { 1: 'draining', 2: 'drained' };

export interface VersionSummary {
  buildId: string;
  role: 'current' | 'ramping' | 'previous';
  /** Draining: pinned workflows still run on it; drained: none do, its workers may stop. */
  drainage: 'draining' | 'drained' | null;
  createdAt: Date | null;
}

export interface DeploymentSummary {
  deploymentName: string;
  current: string | null;
  ramping: { buildId: string; percentage: number } | null;
  versions: VersionSummary[];
}

/** A model type's deployment as the server sees it, or null when no versioned worker has ever polled it. */
export async function describeDeployment(
  service: WorkflowService,
  namespace: string,
  deploymentName: string,
): Promise<DeploymentSummary | null> {
  let info;
  try {
    info = (await service.describeWorkerDeployment({ namespace, deploymentName })).workerDeploymentInfo;
  } catch (err) {
    if (NOT_YET_KNOWN.has(grpcCode(err) ?? -1)) return null;
    throw err;
  }
  const routing = info?.routingConfig;
  const current = routing?.currentDeploymentVersion?.buildId || null;
  const rampingId = routing?.rampingDeploymentVersion?.buildId || null;
  const versions = (info?.versionSummaries ?? []).map((v): VersionSummary => {
    const buildId = v.deploymentVersion?.buildId ?? '';
    const seconds = v.createTime?.seconds;
    return {
      buildId,
      role: buildId === current ? 'current' : buildId === rampingId ? 'ramping' : 'previous',
      drainage: DRAINAGE[v.drainageStatus ?? 0] ?? null,
      createdAt: seconds != null ? new Date(Number(seconds) * 1000) : null,
    };
  });
  return {
    deploymentName,
    current,
    ramping: rampingId ? { buildId: rampingId, percentage: routing?.rampingVersionPercentage ?? 0 } : null,
    versions,
  };
}
