import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Mustache from 'mustache';
import type { Task } from '../tasks/task.js';
import type { AgentPrompt } from '../models/prompt.js';

const template = (name: string) => readFileSync(new URL(`./prompts/${name}.md`, import.meta.url), 'utf8');
const SYSTEM = template('system');
const TASK = template('task');

// Prompts are plain text, not HTML: no escaping.
const render = (tpl: string, view: object) =>
  Mustache.render(tpl, view, {}, { escape: (s: string) => s }).trim() + '\n';

export interface PromptContext {
  feedback: string | null;
  /** Relevant memories from earlier tasks, one line each. */
  memories?: string[];
  conventions?: { file: string; text: string } | null;
}

export function buildPrompt(task: Task, attempt: number, context: PromptContext): AgentPrompt {
  return {
    system: render(SYSTEM, {
      ...task,
      skills: task.skills.join(', '),
      conventions: context.conventions?.text ?? null,
      conventionsFile: context.conventions?.file,
    }),
    user: render(TASK, { ...task, attempt, feedback: context.feedback, memories: context.memories ?? [] }),
  };
}

const CONVENTION_FILES = ['AGENTS.md', 'CLAUDE.md', 'CONTRIBUTING.md'];
const CONVENTIONS_LIMIT = 4_000;

/** The repository's own instructions for contributors, if it has any, bounded in size. */
export function readRepoConventions(worktree: string): { file: string; text: string } | null {
  for (const file of CONVENTION_FILES) {
    const full = path.join(worktree, file);
    if (!existsSync(full)) continue;
    const text = readFileSync(full, 'utf8').trim();
    return { file, text: text.length > CONVENTIONS_LIMIT ? text.slice(0, CONVENTIONS_LIMIT) + '\n…' : text };
  }
  return null;
}
