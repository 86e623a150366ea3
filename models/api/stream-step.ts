import { jsonSchema, streamText, tool, type LanguageModel, type ToolSet } from 'ai';
import type { JSONSchema7 } from '@ai-sdk/provider';
import type { ChatFinishReason, ChatRequest, ChatResponse, ToolSpec } from '../chat-model.js';
import type { ToolCall } from '../messages.js';
import { isClosingChunk } from './stream-completion.js';
import { classifyModelError, ModelResponseError, ModelServerError, type ErrorContext } from './errors.js';
import { toModelMessages } from './to-model-messages.js';

/** Tools without `execute`: the SDK reports the calls and stops, and the agent loop runs them. */
function toToolSet(specs: ToolSpec[]): ToolSet {
  return Object.fromEntries(
    // No schema validation here: the loop validates input with the tool's own zod schema and tells the model what is wrong.
    specs.map((spec) => [
      spec.name,
      tool({ description: spec.description, inputSchema: jsonSchema(spec.inputSchema as JSONSchema7) }),
    ]),
  );
}

const describeInvalidCall = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One streamed model call over the neutral transcript, converted to the SDK's messages here: text
 * deltas go to `onTextDelta` as they arrive; tool calls come back unexecuted.
 */
export async function streamStep(
  model: LanguageModel,
  request: ChatRequest,
  errorContext: ErrorContext,
  idleTimeoutMs: number,
): Promise<ChatResponse> {
  const idle = idleWatch(idleTimeoutMs, request.signal);
  const result = streamText({
    model,
    system: request.system,
    messages: toModelMessages(request.messages),
    tools: toToolSet(request.tools),
    maxOutputTokens: request.maxOutputTokens,
    abortSignal: idle.signal,
    // Temporal retries the activity; the SDK's own retries would multiply attempts and hide failures.
    maxRetries: 0,
    // Errors arrive as stream parts and are thrown below; the default handler would also log them.
    onError: () => {},
    includeRawChunks: true,
  });

  let text = '';
  const toolCalls: ToolCall[] = [];
  let finish: { reason: ChatFinishReason; inputTokens: number; outputTokens: number } | undefined;
  let closed = false;
  try {
    for await (const part of result.fullStream) {
      idle.progress();
      if (part.type === 'raw') {
        closed ||= isClosingChunk(errorContext.provider, part.rawValue);
      } else if (part.type === 'text-delta') {
        text += part.text;
        request.onTextDelta?.(part.text);
      } else if (part.type === 'tool-call') {
        const call: ToolCall = { id: part.toolCallId, name: part.toolName, input: part.input };
        if ('invalid' in part && part.invalid) call.inputError = describeInvalidCall(part.error);
        toolCalls.push(call);
      } else if (part.type === 'finish-step') {
        finish = {
          reason: part.finishReason,
          inputTokens: part.usage.inputTokens ?? 0,
          outputTokens: part.usage.outputTokens ?? 0,
        };
      } else if (part.type === 'error') {
        throw part.error;
      } else if (part.type === 'abort') {
        throw idle.signal.reason ?? new Error('the model call was aborted');
      }
    }
    if (!finish || !closed) {
      throw new ModelResponseError(
        `${errorContext.provider} ended the stream before the response was complete`,
        errorContext.provider,
        undefined,
      );
    }
    return {
      text,
      toolCalls,
      finishReason: finish.reason,
      usage: { inputTokens: finish.inputTokens, outputTokens: finish.outputTokens },
    };
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (idle.timedOut) {
      const seconds = Math.round(idleTimeoutMs / 1000);
      throw new ModelServerError(
        `${errorContext.provider} sent nothing for ${seconds} s; the stream was stopped`,
        errorContext.provider,
        undefined,
      );
    }
    throw classifyModelError(error, errorContext);
  } finally {
    idle.dispose();
  }
}

/** An abort signal that also fires when `progress` is not called for `ms`, or when `outer` aborts. */
function idleWatch(ms: number, outer: AbortSignal | undefined) {
  const controller = new AbortController();
  let timedOut = false;
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  if (outer?.aborted) onOuter();
  let timer: NodeJS.Timeout | undefined;
  const progress = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`no data for ${ms} ms`));
    }, ms);
  };
  progress();
  return {
    signal: controller.signal,
    progress,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
