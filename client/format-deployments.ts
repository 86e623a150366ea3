import type { DeploymentSummary, VersionSummary } from '../workers/worker-deployment.js';

export interface ModelDeployment {
  modelType: string;
  deploymentName: string;
  /** Null: no versioned worker of this model type has polled the server yet. */
  deployment: DeploymentSummary | null;
}

const versionLine = (v: VersionSummary) => {
  const state = [v.role, v.drainage === 'draining' ? 'draining (pinned tasks still run on it)' : v.drainage]
    .filter(Boolean)
    .join(', ');
  return `  ${v.buildId.padEnd(24)} ${state}${v.createdAt ? `  since ${v.createdAt.toISOString()}` : ''}`;
};

export function formatDeployments(list: ModelDeployment[], versioningEnabled: boolean): string {
  const lines: string[] = [];
  if (!versioningEnabled)
    lines.push('worker versioning is off here (SWARM_WORKER_VERSIONING): workers poll unversioned');
  for (const { modelType, deploymentName, deployment } of list) {
    if (!deployment) {
      lines.push(`${modelType}: deployment ${deploymentName}: no versioned worker has polled`);
      continue;
    }
    const ramping = deployment.ramping
      ? `, ramping ${deployment.ramping.buildId} ${deployment.ramping.percentage}%`
      : '';
    lines.push(
      `${modelType}: deployment ${deploymentName}, current ${deployment.current ?? 'none (unversioned)'}${ramping}`,
    );
    lines.push(...deployment.versions.map(versionLine));
  }
  return lines.join('\n');
}
