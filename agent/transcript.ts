import type { ChatMessage } from '../models/messages.js';

/** A readable rendering of a transcript, stored as the attempt's transcript artifact. */
export function renderTranscript(system: string, messages: ChatMessage[]): string {
  const parts = [`[system]\n${system}`];
  for (const m of messages) {
    if (m.role === 'user') parts.push(`[user]\n${m.text}`);
    else if (m.role === 'assistant') {
      if (m.text) parts.push(`[assistant]\n${m.text}`);
      for (const call of m.toolCalls)
        parts.push(`[tool call ${call.name}] ${JSON.stringify(call.input).slice(0, 2_000)}`);
    } else
      for (const r of m.results)
        parts.push(`[tool result ${r.name}${r.isError ? ' ERROR' : ''}]\n${r.output.slice(0, 4_000)}`);
  }
  return parts.join('\n\n');
}
