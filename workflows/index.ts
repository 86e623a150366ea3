export * from './task-workflow.js';
export * from './plan-workflow.js';
export * from './admission-workflow.js';
