export * from './task-workflow.js';
export * from './plan-workflow.js';
