import type { WorkflowStartOptions } from '@temporalio/client';
import type { SwarmConfig } from '../config/config.js';
import { PRIORITY_KEYS, taskQueueForModel, type Task } from '../tasks/task.js';
import type { taskWorkflow, TaskWorkflowInput } from '../workflows/task-workflow.js';
import {
  JetpackModel,
  JetpackPlan,
  JetpackPriority,
  JetpackRepo,
  JetpackSkills,
  JetpackStatus,
} from '../workflows/search-attributes.js';
import { fallbackPlan, modelPlan } from './routing.js';

type TaskFields = Pick<
  Task,
  'id' | 'title' | 'priority' | 'skills' | 'repo' | 'modelType' | 'maxAttempts' | 'budget' | 'workflowId' | 'planId'
>;

/** What the task workflow starts with: the model plans from configuration, ids for everything else. */
export function taskWorkflowInput(
  config: SwarmConfig,
  task: TaskFields,
  dependsOn: string[] = [],
  dataBranch: string | null = null,
): TaskWorkflowInput {
  return {
    taskId: task.id,
    maxAttempts: task.maxAttempts,
    taskQueuePrefix: config.temporal.taskQueuePrefix,
    primary: modelPlan(config.models, task.modelType),
    fallback: fallbackPlan(config.models, task.modelType),
    budget: task.budget,
    outageWindowMinutes: config.outageWindowMinutes,
    landing: config.landing.mode,
    ...(dataBranch ? { dataBranch } : {}),
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
    ...admissionFor(config, task),
  };
}

/** The admission workflow of the task's model type, when that type limits its tasks in flight. */
function admissionFor(config: SwarmConfig, task: TaskFields): Pick<TaskWorkflowInput, 'admission'> {
  const slots = config.models[task.modelType]?.maxTasksInFlight;
  if (!slots) return {};
  const taskQueue = taskQueueForModel(config.temporal.taskQueuePrefix, task.modelType);
  return {
    admission: {
      workflowId: `admission-${taskQueue}`,
      taskQueue,
      modelType: task.modelType,
      slots,
      priorityKey: PRIORITY_KEYS[task.priority],
    },
  };
}

/**
 * Temporal's task queue priority (critical first) on the workflow, inherited by its activities;
 * the fairness key per repository keeps one repository's flood from starving another's tasks.
 */
export const taskPriority = (task: Pick<Task, 'priority' | 'repo'>) => ({
  priorityKey: PRIORITY_KEYS[task.priority],
  fairnessKey: task.repo,
});

/** The search attributes the Web UI filters tasks by. */
export function taskSearchAttributes(task: TaskFields, status: 'queued' | 'blocked') {
  return [
    { key: JetpackStatus, value: status },
    { key: JetpackPriority, value: task.priority },
    { key: JetpackModel, value: task.modelType },
    { key: JetpackSkills, value: task.skills },
    { key: JetpackRepo, value: task.repo },
    ...(task.planId ? [{ key: JetpackPlan, value: task.planId }] : []),
  ];
}

/** Options to start a task's workflow; `withPriority: false` only for the benchmark's comparison run. */
export function taskStartOptions(
  config: SwarmConfig,
  task: TaskFields,
  dependsOn: string[] = [],
  { withPriority = true, dataBranch = null }: { withPriority?: boolean; dataBranch?: string | null } = {},
): WorkflowStartOptions<typeof taskWorkflow> {
  return {
    workflowId: task.workflowId,
    taskQueue: taskQueueForModel(config.temporal.taskQueuePrefix, task.modelType),
    args: [taskWorkflowInput(config, task, dependsOn, dataBranch)],
    memo: { title: task.title, ...(dataBranch ? { dataBranch } : {}) },
    ...(withPriority ? { priority: taskPriority(task) } : {}),
    typedSearchAttributes: taskSearchAttributes(task, dependsOn.length > 0 ? 'blocked' : 'queued'),
  };
}
