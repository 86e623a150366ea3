import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentContext, AgentOutcome, AgentRequest, ModelAdapter } from './adapter.js';
import { EditScriptError, parseEditScript } from './local-edit-script.js';

/** Resolves a path the model asked for; refuses anything outside the worktree. */
export function resolveInside(worktree: string, requested: string): string {
  const resolved = path.resolve(worktree, requested);
  const relative = path.relative(worktree, resolved);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative) || relative.split(path.sep)[0] === '.git') {
    throw new EditScriptError(`refused path "${requested}": outside the worktree`);
  }
  return resolved;
}

const approxTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * A deterministic model that needs no service: it applies the edit blocks written in the task
 * description (see local-edit-script.ts). Used for the quick start, offline work and end-to-end tests.
 */
export function createLocalModel(): ModelAdapter {
  return {
    kind: 'local',
    async run(request: AgentRequest, context: AgentContext): Promise<AgentOutcome> {
      const transcript: string[] = [`[system]\n${request.prompt.system}`, `[user]\n${request.prompt.user}`];
      const usage = { inputTokens: approxTokens(request.prompt.system + request.prompt.user), outputTokens: 0 };
      const touched: string[] = [];
      const fail = (summary: string): AgentOutcome => {
        transcript.push(`[error] ${summary}`);
        return { status: 'failed', summary, transcript: transcript.join('\n\n'), filesTouched: touched, usage };
      };
      let edits;
      try {
        edits = parseEditScript(request.task.description).filter((e) => !e.attempts || e.attempts(request.attempt));
      } catch (err) {
        return fail(`cannot read the edit instructions in the task description: ${(err as Error).message}`);
      }
      if (edits.length === 0) return fail('the task description holds no edit blocks for this attempt, so the local model has nothing to do');

      for (const [index, edit] of edits.entries()) {
        if (context.signal.aborted) throw context.signal.reason;
        let target: string;
        try {
          target = resolveInside(request.worktreePath, edit.path);
        } catch (err) {
          return fail((err as Error).message);
        }
        if (edit.op === 'delete') await rm(target, { force: true });
        else {
          await mkdir(path.dirname(target), { recursive: true });
          if (edit.op === 'write') await writeFile(target, edit.content);
          else await appendFile(target, edit.content);
        }
        touched.push(edit.path);
        usage.outputTokens += approxTokens(edit.content);
        transcript.push(`[tool] ${edit.op} ${edit.path} (${Buffer.byteLength(edit.content)} bytes)`);
        context.heartbeat({ turn: index + 1, filesTouched: touched.length, message: `${edit.op} ${edit.path}` });
      }
      const summary = `applied ${edits.length} edit(s): ${touched.join(', ')}`;
      transcript.push(`[assistant] ${summary}`);
      return { status: 'completed', summary, transcript: transcript.join('\n\n'), filesTouched: touched, usage };
    },
  };
}
