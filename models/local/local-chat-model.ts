import type { ChatModel, ChatRequest, ChatResponse } from '../chat-model.js';
import type { ChatMessage } from '../messages.js';
import { parseEditScript, type EditInstruction } from './edit-script.js';

const approxTokens = (text: string) => Math.ceil(text.length / 4);

/** The attempt number is stated in the task prompt ("Attempt 2 of 3"). */
function attemptOf(messages: ChatMessage[]): number {
  const first = messages.find((m) => m.role === 'user');
  const match = first && /Attempt (\d+) of \d+/.exec(first.text);
  return match ? Number(match[1]) : 1;
}

/** Sections the task prompt template (agent/prompts/task.md) puts after the description. */
const SECTIONS_AFTER_DESCRIPTION = [
  '\n## Acceptance criteria\n',
  '\n## Relevant memories from earlier tasks\n',
  '\n## Feedback from the previous attempt\n',
];

/** Only the task's own description: memories and feedback may quote edit blocks of other attempts. */
function taskDescriptionOf(messages: ChatMessage[]): string {
  const text = messages.find((m) => m.role === 'user')?.text ?? '';
  const start = text.indexOf('## Description\n');
  if (start === -1) return text;
  const ends = SECTIONS_AFTER_DESCRIPTION.map((heading) => text.indexOf(heading, start)).filter((i) => i !== -1);
  return text.slice(start, ends.length > 0 ? Math.min(...ends) : undefined);
}

const PLAN_BLOCK = /^```plan[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;

/**
 * A request offering no tools asks for text: a plan. The answer is the goal's n-th fenced `plan`
 * block on the n-th try (the last block once they run out), so a test can show a retry with feedback.
 */
function planAnswer(messages: ChatMessage[]): string {
  const goal = messages.find((m) => m.role === 'user')?.text ?? '';
  const blocks = [...goal.matchAll(PLAN_BLOCK)].map((m) => m[1]!);
  if (blocks.length === 0) return 'The goal holds no ```plan block, so the local model has no plan to give.';
  const tries = messages.filter((m) => m.role === 'assistant').length;
  return blocks[Math.min(tries, blocks.length - 1)]!;
}

/** Each edit becomes one tool call. */
function toolCallFor(edit: EditInstruction): { name: string; input: unknown } {
  switch (edit.op) {
    case 'write':
      return { name: 'write_file', input: { path: edit.path, content: edit.content } };
    case 'append':
      return { name: 'append_file', input: { path: edit.path, content: edit.content } };
    case 'delete':
      return { name: 'delete_file', input: { path: edit.path } };
    case 'run':
      return { name: 'run_command', input: { command: edit.content.trim() } };
  }
}

const FILE_TOOLS = new Set(['write_file', 'append_file', 'delete_file']);

/** The summary counts only the file edits whose tool calls succeeded; a refused one fails the attempt. */
function finishWithWhatApplied(
  respond: (text: string, call: { name: string; input: unknown }) => ChatResponse,
  edits: EditInstruction[],
  messages: ChatMessage[],
) {
  const results = messages.flatMap((m) => (m.role === 'tool' ? m.results : [])).filter((r) => FILE_TOOLS.has(r.name));
  const fileEdits = edits.filter((e) => e.op !== 'run');
  const refused = results.filter((r) => r.isError);
  const applied = fileEdits.filter((_, i) => results[i] && !results[i].isError);
  const files = [...new Set(applied.map((e) => e.path))];
  const commands = edits.length - fileEdits.length;
  const what = `applied ${applied.length} of ${fileEdits.length} file edit(s)${files.length > 0 ? `: ${files.join(', ')}` : ''}${commands > 0 ? `; ran ${commands} command(s)` : ''}`;
  if (refused.length > 0) {
    const reasons = refused.map((r) => r.output.split('\n')[0]).join('; ');
    return respond(`Some edits were refused: ${reasons}`, {
      name: 'finish',
      input: { summary: `${what}; refused: ${reasons}`, success: false },
    });
  }
  return respond('All edits applied.', { name: 'finish', input: { summary: what, success: true } });
}

/**
 * A deterministic chat model for the agent loop, needing no service: it turns the edit blocks in
 * the task description (models/local/edit-script.ts) into one tool call per turn, then calls
 * `finish`. It reads its own progress from the transcript, so a resumed run continues where the
 * checkpoint left off. Used for the quick start, offline work and end-to-end tests.
 */
export function createLocalChatModel(): ChatModel {
  return {
    provider: 'local',
    model: 'local-edit-script',
    async step(request: ChatRequest): Promise<ChatResponse> {
      const usage = { inputTokens: approxTokens(request.system + JSON.stringify(request.messages)), outputTokens: 0 };
      const respond = (text: string, call?: { name: string; input: unknown }): ChatResponse => {
        const toolCalls = call ? [{ id: `call_${request.messages.length}`, name: call.name, input: call.input }] : [];
        usage.outputTokens = approxTokens(text + JSON.stringify(toolCalls));
        return { text, toolCalls, usage, finishReason: call ? 'tool-calls' : 'stop' };
      };

      // The planner offers no tools and states a goal; an agent's attempt always has its task.
      if (
        request.tools.length === 0 &&
        request.messages[0]?.role === 'user' &&
        request.messages[0].text.startsWith('## Goal')
      )
        return respond(planAnswer(request.messages));

      let edits: EditInstruction[];
      try {
        const attempt = attemptOf(request.messages);
        edits = parseEditScript(taskDescriptionOf(request.messages)).filter((e) => !e.attempts || e.attempts(attempt));
      } catch (err) {
        return respond(`I cannot read the edit instructions in the task: ${(err as Error).message}`, {
          name: 'finish',
          input: { summary: `cannot read the edit instructions: ${(err as Error).message}`, success: false },
        });
      }
      if (edits.length === 0) {
        return respond('', {
          name: 'finish',
          input: {
            summary: 'the task holds no edit blocks for this attempt, so the local model has nothing to do',
            success: false,
          },
        });
      }
      const done = request.messages.filter((m) => m.role === 'assistant').length;
      const next = edits[done];
      if (!next) return finishWithWhatApplied(respond, edits, request.messages);
      return respond('', toolCallFor(next));
    },
  };
}
