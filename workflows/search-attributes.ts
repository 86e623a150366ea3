import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes for filtering tasks in the Temporal Web UI, e.g. `JetpackStatus = "failed"`. */
export const JetpackStatus = defineSearchAttributeKey('JetpackStatus', SearchAttributeType.KEYWORD);
export const JetpackPriority = defineSearchAttributeKey('JetpackPriority', SearchAttributeType.KEYWORD);
export const JetpackModel = defineSearchAttributeKey('JetpackModel', SearchAttributeType.KEYWORD);
export const JetpackSkills = defineSearchAttributeKey('JetpackSkills', SearchAttributeType.KEYWORD_LIST);
export const JetpackAttempt = defineSearchAttributeKey('JetpackAttempt', SearchAttributeType.INT);
export const JetpackRepo = defineSearchAttributeKey('JetpackRepo', SearchAttributeType.KEYWORD);
/** `exceeded` while a task waits for budget approval, `approved` after. */
export const JetpackBudget = defineSearchAttributeKey('JetpackBudget', SearchAttributeType.KEYWORD);
/** The quality gate's state for the latest attempt. */
export const JetpackQuality = defineSearchAttributeKey('JetpackQuality', SearchAttributeType.KEYWORD);

/** The plan a task belongs to (its parent workflow is `plan-<id>`). */
export const JetpackPlan = defineSearchAttributeKey('JetpackPlan', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [
  JetpackStatus,
  JetpackPriority,
  JetpackModel,
  JetpackSkills,
  JetpackAttempt,
  JetpackRepo,
  JetpackBudget,
  JetpackQuality,
  JetpackPlan,
];
