import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Local servers speaking each provider's wire format (Anthropic Messages, OpenAI Responses, Gemini
 * streamGenerateContent), each streaming a scripted agent: one file edit, then one command, then a
 * final message. Which step comes next is read from the conversation the CLI sends (how many tool
 * results it holds), so side requests (titles, token counts, routing) never shift the script.
 */
export interface AgentScript {
  /** The file the agent writes, relative to the worktree, and its content. */
  file: string;
  content: string;
  /** The command the agent runs once the file is written. */
  command: string;
  finalText: string;
}

export interface ProviderServer {
  url: string;
  /** Every request: method, path, the Authorization/x-api-key/x-goog-api-key header seen, and the body. */
  requests: { method: string; path: string; key: string | undefined; body: unknown }[];
  /** Answers every request with 401 from now on. */
  rejectAll(): void;
  close(): Promise<void>;
}

type Handler = (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void;

const USAGE = { input: 1200, cached: 200, output: 80, reasoning: 16 };

function sse(res: ServerResponse, events: { event?: string; data: unknown }[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  res.end();
}

export interface ServerOptions {
  /** Each answer waits this long first, so a run lasts long enough to watch its heartbeats. */
  delayMs?: number;
}

async function serve(
  handler: Handler,
  unauthorized: (res: ServerResponse) => void,
  { delayMs = 0 }: ServerOptions = {},
): Promise<ProviderServer> {
  const requests: ProviderServer['requests'] = [];
  let rejecting = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { raw: text };
      }
      const key =
        req.headers.authorization ??
        (req.headers['x-api-key'] as string | undefined) ??
        (req.headers['x-goog-api-key'] as string | undefined) ??
        new URL(req.url ?? '/', 'http://x').searchParams.get('key') ??
        undefined;
      requests.push({ method: req.method ?? '', path: req.url ?? '', key, body });
      if (rejecting) return unauthorized(res);
      setTimeout(() => {
        try {
          handler(body, req, res);
        } catch (error) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: String(error) }));
        }
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rejectAll: () => {
      rejecting = true;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The step of the script the conversation is at: 0 edit, 1 command, 2 final message. */
const stepOf = (toolResults: number) => Math.min(toolResults, 2);

// ---------------------------------------------------------------- Anthropic Messages

function countAnthropicToolResults(body: Record<string, unknown>): number {
  const messages = (body.messages as { role: string; content: unknown }[] | undefined) ?? [];
  return messages
    .filter((m) => m.role === 'user' && Array.isArray(m.content))
    .flatMap((m) => m.content as { type?: string }[])
    .filter((block) => block.type === 'tool_result').length;
}

export function anthropicServer(script: AgentScript, options?: ServerOptions): Promise<ProviderServer> {
  let ids = 0;
  return serve(
    (body, req, res) => {
      const url = req.url ?? '';
      if (url.includes('count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ input_tokens: 100 }));
      }
      if (!url.includes('/v1/messages')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'not found' } }));
      }
      const model = String(body.model ?? 'claude-sonnet-4-5');
      const tools = (body.tools as { name: string }[] | undefined) ?? [];
      const agentic = tools.some((t) => t.name === 'Write') && tools.some((t) => t.name === 'Bash');
      const step = agentic ? stepOf(countAnthropicToolResults(body)) : 2;
      const id = `msg_${++ids}`;
      const block =
        step === 0
          ? {
              type: 'tool_use',
              id: `toolu_${ids}`,
              name: 'Write',
              input: { file_path: script.file, content: script.content },
            }
          : step === 1
            ? {
                type: 'tool_use',
                id: `toolu_${ids}`,
                name: 'Bash',
                input: { command: script.command, description: 'run' },
              }
            : { type: 'text', text: agentic ? script.finalText : 'Title' };
      const usage = {
        input_tokens: USAGE.input - USAGE.cached,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: USAGE.cached,
        output_tokens: USAGE.output,
      };
      const stopReason = block.type === 'tool_use' ? 'tool_use' : 'end_turn';
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({
            id,
            type: 'message',
            role: 'assistant',
            model,
            content: [block],
            stop_reason: stopReason,
            usage,
          }),
        );
      }
      const start = block.type === 'tool_use' ? { ...block, input: {} } : { type: 'text', text: '' };
      const delta =
        block.type === 'tool_use'
          ? { type: 'input_json_delta', partial_json: JSON.stringify(block.input) }
          : { type: 'text_delta', text: (block as { text: string }).text };
      sse(res, [
        {
          event: 'message_start',
          data: {
            type: 'message_start',
            message: {
              id,
              type: 'message',
              role: 'assistant',
              model,
              content: [],
              stop_reason: null,
              usage: { ...usage, output_tokens: 1 },
            },
          },
        },
        { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: start } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta } },
        { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
        {
          event: 'message_delta',
          data: {
            type: 'message_delta',
            delta: { stop_reason: stopReason, stop_sequence: null },
            usage: { output_tokens: USAGE.output },
          },
        },
        { event: 'message_stop', data: { type: 'message_stop' } },
      ]);
    },
    (res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'request-id': 'req_test' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    },
    options,
  );
}

// ---------------------------------------------------------------- OpenAI Responses

function countResponsesToolOutputs(body: Record<string, unknown>): number {
  const input = (body.input as { type?: string }[] | undefined) ?? [];
  return Array.isArray(input)
    ? input.filter((item) => item.type === 'function_call_output' || item.type === 'custom_tool_call_output').length
    : 0;
}

interface ResponsesTool {
  type: string;
  name?: string;
}

/** The call Codex understands for the step: apply_patch (custom or function tool) and its shell tool. */
function codexCall(step: number, tools: ResponsesTool[], script: AgentScript, n: number): Record<string, unknown> {
  const named = (name: string) => tools.find((t) => t.name === name);
  const patch = `*** Begin Patch\n*** Add File: ${script.file}\n${script.content
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `+${l}`)
    .join('\n')}\n*** End Patch\n`;
  // Codex's code mode: one freeform "exec" tool running JavaScript that calls the nested tools.
  if (named('exec')?.type === 'custom') {
    const input =
      step === 0
        ? `await tools.apply_patch(${JSON.stringify(patch)});\ntext('patched');`
        : `const r = await tools.exec_command({ cmd: ${JSON.stringify(script.command)}, tty: false });\ntext(r.output);`;
    return { type: 'custom_tool_call', id: `ctc_${n}`, call_id: `call_${n}`, name: 'exec', input, status: 'completed' };
  }
  if (step === 0) {
    const applyPatch = named('apply_patch');
    if (applyPatch?.type === 'custom')
      return {
        type: 'custom_tool_call',
        id: `ctc_${n}`,
        call_id: `call_${n}`,
        name: 'apply_patch',
        input: patch,
        status: 'completed',
      };
    if (applyPatch)
      return {
        type: 'function_call',
        id: `fc_${n}`,
        call_id: `call_${n}`,
        name: 'apply_patch',
        arguments: JSON.stringify({ input: patch }),
        status: 'completed',
      };
  }
  const command = step === 0 ? `cat > ${script.file} <<'EOF'\n${script.content}EOF` : script.command;
  if (named('exec_command'))
    return {
      type: 'function_call',
      id: `fc_${n}`,
      call_id: `call_${n}`,
      name: 'exec_command',
      arguments: JSON.stringify({ cmd: command }),
      status: 'completed',
    };
  if (named('shell_command'))
    return {
      type: 'function_call',
      id: `fc_${n}`,
      call_id: `call_${n}`,
      name: 'shell_command',
      arguments: JSON.stringify({ command }),
      status: 'completed',
    };
  return {
    type: 'function_call',
    id: `fc_${n}`,
    call_id: `call_${n}`,
    name: 'shell',
    arguments: JSON.stringify({ command: ['bash', '-lc', command] }),
    status: 'completed',
  };
}

/** The tools of a Responses request: in `tools`, or (Codex) in an `additional_tools` input item, flattened out of namespaces. */
function responsesTools(body: Record<string, unknown>): ResponsesTool[] {
  const flatten = (tools: (ResponsesTool & { tools?: ResponsesTool[] })[]): ResponsesTool[] =>
    tools.flatMap((t) => (t.type === 'namespace' ? flatten(t.tools ?? []) : [t]));
  const input = Array.isArray(body.input) ? (body.input as { type?: string; tools?: ResponsesTool[] }[]) : [];
  return flatten([
    ...((body.tools as ResponsesTool[] | undefined) ?? []),
    ...input.filter((i) => i.type === 'additional_tools').flatMap((i) => i.tools ?? []),
  ]);
}

export function openAiResponsesServer(script: AgentScript, options?: ServerOptions): Promise<ProviderServer> {
  let ids = 0;
  return serve(
    (body, req, res) => {
      if (!(req.url ?? '').includes('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      }
      const n = ++ids;
      const tools = responsesTools(body);
      const step = stepOf(countResponsesToolOutputs(body));
      const item =
        step < 2
          ? codexCall(step, tools, script, n)
          : {
              type: 'message',
              id: `msg_${n}`,
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text: script.finalText, annotations: [] }],
            };
      const response = {
        id: `resp_${n}`,
        object: 'response',
        created_at: 0,
        model: String(body.model ?? 'gpt-5'),
        status: 'in_progress',
        output: [] as unknown[],
      };
      const usage = {
        input_tokens: USAGE.input,
        input_tokens_details: { cached_tokens: USAGE.cached },
        output_tokens: USAGE.output,
        output_tokens_details: { reasoning_tokens: USAGE.reasoning },
        total_tokens: USAGE.input + USAGE.output,
      };
      sse(res, [
        { event: 'response.created', data: { type: 'response.created', sequence_number: 0, response } },
        {
          event: 'response.output_item.added',
          data: { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item },
        },
        {
          event: 'response.output_item.done',
          data: { type: 'response.output_item.done', sequence_number: 2, output_index: 0, item },
        },
        {
          event: 'response.completed',
          data: {
            type: 'response.completed',
            sequence_number: 3,
            response: { ...response, status: 'completed', output: [item], usage },
          },
        },
      ]);
    },
    (res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' },
        }),
      );
    },
    options,
  );
}

// ---------------------------------------------------------------- Gemini generateContent

function countGeminiFunctionResponses(body: Record<string, unknown>): number {
  const contents = (body.contents as { parts?: { functionResponse?: unknown }[] }[] | undefined) ?? [];
  return contents.flatMap((c) => c.parts ?? []).filter((p) => p.functionResponse !== undefined).length;
}

export function geminiServer(script: AgentScript, options?: ServerOptions): Promise<ProviderServer> {
  return serve(
    (body, req, res) => {
      const url = req.url ?? '';
      const model = /models\/([^:]+):/.exec(url)?.[1] ?? 'gemini-2.5-pro';
      if (url.includes(':countTokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ totalTokens: 100 }));
      }
      const declared = ((body.tools as { functionDeclarations?: { name: string }[] }[] | undefined) ?? [])
        .flatMap((t) => t.functionDeclarations ?? [])
        .map((d) => d.name);
      const agentic = declared.includes('write_file') && declared.includes('run_shell_command');
      const wantsJson =
        (body.generationConfig as { responseMimeType?: string } | undefined)?.responseMimeType === 'application/json';
      const step = stepOf(countGeminiFunctionResponses(body));
      const part = !agentic
        ? {
            text: wantsJson
              ? JSON.stringify({
                  next_speaker: 'user',
                  reasoning: 'done',
                  model_choice: 'flash',
                  complexity_reasoning: 'simple',
                  complexity_score: 10,
                })
              : 'ok',
          }
        : step === 0
          ? { functionCall: { name: 'write_file', args: { file_path: script.file, content: script.content } } }
          : step === 1
            ? { functionCall: { name: 'run_shell_command', args: { command: script.command, description: 'run' } } }
            : { text: script.finalText };
      const chunk = {
        candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: {
          promptTokenCount: USAGE.input,
          cachedContentTokenCount: USAGE.cached,
          candidatesTokenCount: USAGE.output,
          thoughtsTokenCount: USAGE.reasoning,
          totalTokenCount: USAGE.input + USAGE.output + USAGE.reasoning,
        },
        modelVersion: model,
      };
      if (url.includes(':streamGenerateContent')) return sse(res, [{ data: chunk }]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(chunk));
    },
    (res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { code: 401, message: 'API key not valid. Please pass a valid API key.', status: 'UNAUTHENTICATED' },
        }),
      );
    },
    options,
  );
}

/** The tokens each scripted response reports, for assertions. */
export const SCRIPTED_USAGE = USAGE;
