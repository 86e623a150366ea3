/**
 * The provider-neutral transcript of an agent run. Stored in libSQL as JSON, so a run can resume
 * on another worker, or fall back to another provider, from the same transcript.
 */
export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

export interface ToolResult {
  callId: string;
  name: string;
  output: string;
  isError: boolean;
}

export type AgentMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: ToolCall[] }
  | { role: 'tool'; results: ToolResult[] };

/** A readable rendering of a transcript, stored as the attempt's transcript artifact. */
export function renderTranscript(system: string, messages: AgentMessage[]): string {
  const parts = [`[system]\n${system}`];
  for (const m of messages) {
    if (m.role === 'user') parts.push(`[user]\n${m.text}`);
    else if (m.role === 'assistant') {
      if (m.text) parts.push(`[assistant]\n${m.text}`);
      for (const call of m.toolCalls) parts.push(`[tool call ${call.name}] ${JSON.stringify(call.input).slice(0, 2_000)}`);
    } else for (const r of m.results) parts.push(`[tool result ${r.name}${r.isError ? ' ERROR' : ''}]\n${r.output.slice(0, 4_000)}`);
  }
  return parts.join('\n\n');
}
