import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import type { VersioningBehavior } from '@temporalio/common';

/**
 * Declares how a workflow type moves between builds under Worker Versioning (README "Worker
 * versioning and rolling upgrades"): PINNED runs finish on the build they started on; AUTO_UPGRADE
 * ones move to the current build at their next workflow task. Declared only on a versioned worker
 * (its tasks carry a deployment name; an unversioned worker's carry its default build id with an
 * empty name): on an unversioned one the SDK would refuse every workflow task with "versioning
 * behavior cannot be specified without deployment options being set with versioned mode". It only
 * labels workflow task completions, so replay is unaffected.
 */
export function declareVersioningBehavior(
  behavior: VersioningBehavior,
  workflow: (...args: never[]) => Promise<unknown>,
): void {
  setWorkflowOptions(
    () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: behavior } : {}),
    workflow,
  );
}
