import { createAdmissionActivities } from './admission-activities.js';
import { createAgentActivities } from './agent-activities.js';
import { createMergeQueueActivities } from './merge-queue-activities.js';
import { createDependencyActivities } from './dependency-activities.js';
import { createMemoryActivities } from './memory-activities.js';
import { createPlanActivities } from './plan-activities.js';
import { createQualityActivities } from './quality-activities.js';
import type { ActivityDeps } from './deps.js';
import { createResultActivities } from './result-activities.js';
import { scopedToTaskData } from './task-data-scope.js';
import { createWorkspaceActivities } from './workspace-activities.js';

export type { ActivityDeps } from './deps.js';

/** Every activity a task worker serves, bound to its dependencies, each run against its task's data. */
export function createActivities(mainDeps: ActivityDeps) {
  const { deps, wrap } = scopedToTaskData(mainDeps);
  return wrap({
    ...createWorkspaceActivities(deps),
    ...createAgentActivities(deps),
    ...createQualityActivities(deps),
    ...createResultActivities(deps),
    ...createMemoryActivities(deps),
    ...createMergeQueueActivities(deps),
    ...createDependencyActivities(deps),
    ...createPlanActivities(deps),
    ...createAdmissionActivities(),
  });
}
export type Activities = ReturnType<typeof createActivities>;
