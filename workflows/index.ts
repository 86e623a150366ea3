export * from './task-workflow.js';
