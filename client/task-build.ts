import type { WorkflowExecutionDescription } from '@temporalio/client';

/** The Worker Deployment build a running task's workflow is on (README "Worker versioning and rolling upgrades"). */
export interface TaskBuild {
  deploymentName: string;
  buildId: string;
  behavior: 'pinned' | 'auto-upgrade' | null;
}

type VersioningInfo = NonNullable<WorkflowExecutionDescription['raw']['workflowExecutionInfo']>['versioningInfo'];

/** temporal.api.enums.v1.VersioningBehavior */
const BEHAVIOR: Record<number, TaskBuild['behavior']> = { 1: 'pinned', 2: 'auto-upgrade' };

/** Null for a workflow of unversioned workers. */
export function taskBuild(info: VersioningInfo): TaskBuild | null {
  const version = info?.deploymentVersion;
  if (!version?.buildId || !version.deploymentName) return null;
  return {
    deploymentName: version.deploymentName,
    buildId: version.buildId,
    behavior: BEHAVIOR[Number(info?.behavior ?? 0)] ?? null,
  };
}
