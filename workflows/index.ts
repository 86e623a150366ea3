export * from './task-workflow.js';
export * from './merge-queue-workflow.js';
export * from './baseline-workflow.js';
export * from './plan-workflow.js';
export * from './admission-workflow.js';
