import { readFileSync } from 'node:fs';
import Mustache from 'mustache';
import type { Task } from '../tasks/task.js';
import type { AgentPrompt } from './adapter.js';

const template = (name: string) => readFileSync(new URL(`./prompts/${name}.md`, import.meta.url), 'utf8');
const SYSTEM = template('system');
const TASK = template('task');

// Prompts are plain text, not HTML: no escaping.
const render = (tpl: string, view: object) => Mustache.render(tpl, view, {}, { escape: (s: string) => s }).trim() + '\n';

export function buildPrompt(task: Task, attempt: number, feedback: string | null, memories: string[] = []): AgentPrompt {
  return {
    system: render(SYSTEM, { ...task, skills: task.skills.join(', ') }),
    user: render(TASK, { ...task, attempt, feedback, memories }),
  };
}
