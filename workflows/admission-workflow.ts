import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning-behavior.js';
import type { Activities } from '../activities/index.js';
import { CONTINUE_AS_NEW_AFTER_EVENTS } from './task-attempt.js';

export interface SlotRequest {
  workflowId: string;
  /** Temporal priority key of the task: 1 (critical) is admitted first. */
  priorityKey: number;
}
interface Waiter extends SlotRequest {
  seq: number;
}

export interface AdmissionInput {
  modelType: string;
  slots: number;
  /** Carried across continue-as-new. */
  holders?: string[];
  queue?: Waiter[];
  seq?: number;
  continueAsNewAfterEvents?: number;
  /** While tasks wait and every slot is held, how often the holders are checked for ones that died (default 120). */
  holderCheckSeconds?: number;
}

export interface AdmissionState {
  slots: number;
  holders: string[];
  queued: string[];
}

export const requestSlotSignal = defineSignal<[SlotRequest & { slots: number }]>('requestSlot');
export const releaseSlotSignal = defineSignal<[{ workflowId: string }]>('releaseSlot');
/** Sent to the admitted task's workflow. */
export const slotGrantedSignal = defineSignal('slotGranted');
export const admissionStateQuery = defineQuery<AdmissionState>('admissionState');

const HOLDER_CHECK_SECONDS = 120;

const { closedWorkflows } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

// Long-lived: it moves to the current build at its next workflow task, so changes to it must replay (patched()).
declareVersioningBehavior('AUTO_UPGRADE', admissionWorkflow);

/**
 * Admission for one model type (`admission-<task queue>`): at most `slots` tasks hold a slot; the
 * others wait in priority order, then arrival order. Tasks ask with signal-with-start and release
 * at their end; a holder that closed without releasing (terminated, say) is found when tasks wait
 * and no slot frees up, and its slot is given on.
 */
export async function admissionWorkflow(input: AdmissionInput): Promise<void> {
  let slots = input.slots;
  const holders = new Set(input.holders ?? []);
  let queue: Waiter[] = [...(input.queue ?? [])];
  let seq = input.seq ?? 0;
  let dirty = true;

  setHandler(requestSlotSignal, (request) => {
    slots = request.slots;
    dirty = true;
    if (holders.has(request.workflowId)) {
      // A retried request of a task already admitted: grant again (the task ignores a second grant).
      holders.delete(request.workflowId);
      queue.unshift({ ...request, priorityKey: 0, seq: -1 });
      return;
    }
    if (!queue.some((w) => w.workflowId === request.workflowId)) queue.push({ ...request, seq: seq++ });
  });
  setHandler(releaseSlotSignal, ({ workflowId }) => {
    holders.delete(workflowId);
    queue = queue.filter((w) => w.workflowId !== workflowId);
    dirty = true;
  });
  setHandler(admissionStateQuery, () => ({ slots, holders: [...holders], queued: queue.map((w) => w.workflowId) }));

  for (;;) {
    const full = () => holders.size >= slots && queue.length > 0;
    const woke = await condition(
      () => dirty,
      full() ? (input.holderCheckSeconds ?? HOLDER_CHECK_SECONDS) * 1000 : undefined,
    );
    dirty = false;
    if (!woke && full()) {
      for (const closed of await closedWorkflows({ workflowIds: [...holders] })) holders.delete(closed);
    }
    queue.sort((a, b) => a.priorityKey - b.priorityKey || a.seq - b.seq);
    while (holders.size < slots && queue.length > 0) {
      const next = queue.shift()!;
      holders.add(next.workflowId);
      try {
        await getExternalWorkflowHandle(next.workflowId).signal(slotGrantedSignal);
      } catch {
        holders.delete(next.workflowId); // it closed while waiting
      }
    }
    if (workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof admissionWorkflow>({ ...input, slots, holders: [...holders], queue, seq });
    }
  }
}
