export * from './task-workflow.js';
export * from './merge-queue-workflow.js';
export * from './baseline-workflow.js';
