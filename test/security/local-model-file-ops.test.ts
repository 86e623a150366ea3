import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgentToolbox } from '../../agent/tools/index.js';
import type { ChatMessage, ToolResult } from '../../models/messages.js';
import { createLocalChatModel } from '../../models/local/local-chat-model.js';
import { tempDir } from '../helpers/test-env.js';

const fence = (info: string, body = '') => '```' + info + '\n' + body + '```\n';

/** Runs the local model's loop over the toolbox in a plain directory until it calls finish. */
async function runLocalModel(worktree: string, description: string) {
  const model = createLocalChatModel();
  const toolbox = createAgentToolbox({ worktree });
  const messages: ChatMessage[] = [{ role: 'user', text: `Attempt 1 of 1\n\n## Description\n${description}` }];
  for (let turn = 0; turn < 20; turn++) {
    const response = await model.step({
      system: '',
      messages,
      tools: toolbox.specs,
      signal: new AbortController().signal,
    });
    messages.push({ role: 'assistant', text: response.text, toolCalls: response.toolCalls });
    const results: ToolResult[] = [];
    for (const call of response.toolCalls) {
      const outcome = await toolbox.execute(call.name, call.input);
      if (outcome.finished) return outcome.finished;
      results.push({ callId: call.id, name: call.name, output: outcome.output, isError: !outcome.ok });
    }
    messages.push({ role: 'tool', results });
  }
  throw new Error('the local model never finished');
}

describe('the local model edits only inside the worktree (attack 5)', () => {
  it('refuses append and delete outside the worktree, and its summary counts only what was applied', async () => {
    const root = tempDir('local-file-ops');
    const worktree = path.join(root, 'worktree');
    mkdirSync(worktree);
    writeFileSync(path.join(root, 'victim.txt'), 'keep me');
    const outside = path.join(root, 'planted.txt');

    const finished = await runLocalModel(
      worktree,
      [
        fence('write inside.txt', 'ok\n'),
        fence('append ../planted.txt', 'pwned\n'),
        fence(`append ${outside}`, 'pwned\n'),
        fence('delete ../victim.txt'),
        fence('delete .git/HEAD'),
      ].join(''),
    );

    expect(existsSync(outside)).toBe(false);
    expect(readFileSync(path.join(root, 'victim.txt'), 'utf8')).toBe('keep me');
    expect(readFileSync(path.join(worktree, 'inside.txt'), 'utf8')).toBe('ok\n');
    expect(finished.success).toBe(false);
    expect(finished.summary).toMatch(/^applied 1 of 5 file edit\(s\): inside\.txt; refused: /);
    expect(finished.summary).toContain('outside the worktree');
  });

  it('appends and deletes inside the worktree, within the file size limit', async () => {
    const worktree = tempDir('local-file-ops-ok');
    writeFileSync(path.join(worktree, 'notes.md'), '# notes\n');
    writeFileSync(path.join(worktree, 'old.js'), 'x');
    const finished = await runLocalModel(worktree, fence('append notes.md', '- one\n') + fence('delete old.js'));
    expect(finished).toEqual({ success: true, summary: 'applied 2 of 2 file edit(s): notes.md, old.js' });
    expect(readFileSync(path.join(worktree, 'notes.md'), 'utf8')).toBe('# notes\n- one\n');
    expect(existsSync(path.join(worktree, 'old.js'))).toBe(false);
  });

  it('counts a run block as a command, not as a file edit', async () => {
    const worktree = tempDir('local-file-ops-run');
    const finished = await runLocalModel(
      worktree,
      fence('write a.txt', 'a\n') + fence('run', 'echo hi > /dev/null\n') + fence('write b.txt', 'b\n'),
    );
    expect(finished).toEqual({ success: true, summary: 'applied 2 of 2 file edit(s): a.txt, b.txt; ran 1 command(s)' });
  });

  it('refuses a file over the per-file limit (attack 7)', async () => {
    const worktree = tempDir('local-file-ops-big');
    const toolbox = createAgentToolbox({ worktree, limits: { maxFileBytes: 1024 } });
    const big = await toolbox.execute('write_file', { path: 'big.bin', content: 'x'.repeat(2048) });
    expect(big).toMatchObject({ ok: false });
    expect(big.output).toContain('over the 1024-byte limit');
    expect(existsSync(path.join(worktree, 'big.bin'))).toBe(false);
    writeFileSync(path.join(worktree, 'grow.txt'), 'x'.repeat(1000));
    expect((await toolbox.execute('append_file', { path: 'grow.txt', content: 'y'.repeat(100) })).ok).toBe(false);
    expect(readFileSync(path.join(worktree, 'grow.txt'), 'utf8')).toHaveLength(1000);
  });
});
