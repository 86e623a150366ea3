import {
  APICallError,
  EmptyResponseBodyError,
  InvalidPromptError,
  InvalidResponseDataError,
  JSONParseError,
  MessageConversionError,
  MissingToolResultsError,
  NoContentGeneratedError,
  NoOutputGeneratedError,
  RetryError,
  TypeValidationError,
  UnsupportedFunctionalityError,
} from 'ai';
import { SwarmError } from '../../errors/swarm-error.js';
import { redact } from '../env-allowlist.js';
import type { ChatProvider } from './chat-provider.js';
import { retryAfterSeconds } from './retry-after.js';

/** A failed model call. `retryable` tells the caller (Temporal's retry policy) whether trying again can help. */
export abstract class ModelError extends SwarmError {
  get retryable(): boolean {
    return this.kind === 'transient';
  }
  constructor(
    message: string,
    readonly provider: ChatProvider,
    readonly statusCode: number | undefined,
  ) {
    super(message);
  }
}

/** 401/403, or no key configured: the API key is missing, wrong or lacks access. Not retryable. */
export class ModelAuthError extends ModelError {
  override name = 'ModelAuthError';
  readonly kind = 'config' as const;
}

/** 429 or a provider's rate-limit error. Retryable after `retryAfterSeconds` when the provider said. */
export class ModelRateLimitError extends ModelError {
  override name = 'ModelRateLimitError';
  readonly kind = 'transient' as const;
  constructor(
    message: string,
    provider: ChatProvider,
    statusCode: number | undefined,
    override readonly retryAfterSeconds: number | undefined,
  ) {
    super(message, provider, statusCode);
  }
}

/** 5xx, 408, an overloaded provider or an unreachable endpoint. Retryable. */
export class ModelServerError extends ModelError {
  override name = 'ModelServerError';
  readonly kind = 'transient' as const;
}

/** Any other 4xx, or a request the SDK cannot express: unknown model, context too long, bad input. Not retryable. */
export class ModelRequestError extends ModelError {
  override name = 'ModelRequestError';
  readonly kind = 'input' as const;
}

/** The provider answered, but not in the expected shape (malformed stream, no output). Retryable: a new call may succeed. */
export class ModelResponseError extends ModelError {
  override name = 'ModelResponseError';
  readonly kind = 'transient' as const;
}

export interface ErrorContext {
  provider: ChatProvider;
  /** Named in auth errors so the operator knows which variable to fix. */
  apiKeyEnvVar: string;
  /** Redacted from every message, should a provider echo it. */
  apiKey: string | undefined;
}

const MESSAGE_LIMIT = 300;

function providerMessage(error: unknown, context: ErrorContext): string {
  const raw =
    error instanceof Error
      ? error.message
      : typeof error === 'object' && error !== null && 'message' in error
        ? String(error.message)
        : String(error);
  const clean = redact(raw, context.apiKey ? [context.apiKey] : [])
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > MESSAGE_LIMIT ? `${clean.slice(0, MESSAGE_LIMIT - 1)}…` : clean;
}

export function authError(context: ErrorContext, statusCode?: number): ModelAuthError {
  const status = statusCode === undefined ? '' : ` (HTTP ${statusCode})`;
  return new ModelAuthError(
    `${context.provider} refused the credentials${status}: check the API key in ${context.apiKeyEnvVar}`,
    context.provider,
    statusCode,
  );
}

function fromHttpStatus(error: APICallError, context: ErrorContext): ModelError {
  const status = error.statusCode;
  const detail = providerMessage(error, context);
  // Gemini answers a bad key with 400 INVALID_ARGUMENT and the reason API_KEY_INVALID.
  if (status === 401 || status === 403 || (status === 400 && error.responseBody?.includes('API_KEY_INVALID')))
    return authError(context, status);
  // OpenAI's 429 for an exhausted balance: waiting does not help, paying does.
  if (status === 429 && error.responseBody?.includes('insufficient_quota')) {
    return new ModelRequestError(`${context.provider} quota exhausted (HTTP 429): ${detail}`, context.provider, status);
  }
  if (status === 429) {
    const wait = retryAfterSeconds(error.responseHeaders ?? {}, error.responseBody);
    const after = wait === undefined ? '' : `; retry after ${wait} s`;
    return new ModelRateLimitError(
      `${context.provider} rate limit (HTTP 429)${after}: ${detail}`,
      context.provider,
      status,
      wait,
    );
  }
  if (status === undefined)
    return new ModelServerError(`cannot reach ${context.provider}: ${detail}`, context.provider, undefined);
  if (status >= 500 || status === 408)
    return new ModelServerError(
      `${context.provider} server error (HTTP ${status}): ${detail}`,
      context.provider,
      status,
    );
  return new ModelRequestError(
    `${context.provider} rejected the request (HTTP ${status}): ${detail}`,
    context.provider,
    status,
  );
}

type StreamErrorRecord = {
  type?: unknown;
  code?: unknown;
  status?: unknown;
  message?: unknown;
  error?: unknown;
  response?: { error?: unknown };
};

/** The innermost error object of an in-stream error event (`error`, `response.error` or the event itself). */
function innermostError(error: unknown): StreamErrorRecord {
  let record = (typeof error === 'object' && error !== null ? error : {}) as StreamErrorRecord;
  for (let depth = 0; depth < 3; depth++) {
    const inner = record.response?.error ?? record.error;
    if (typeof inner !== 'object' || inner === null) break;
    record = { ...(inner as StreamErrorRecord), type: (inner as StreamErrorRecord).type ?? record.type };
  }
  return record;
}

/** Errors a provider reports inside an open stream, e.g. Anthropic's `overloaded_error` event or OpenAI's `response.failed`. */
function fromStreamError(error: unknown, context: ErrorContext): ModelError {
  const record = innermostError(error);
  const kind = [record.type, record.code, record.status]
    .filter((v) => typeof v === 'string' || typeof v === 'number')
    .join(' ');
  const detail = providerMessage(typeof record.message === 'string' ? record.message : error, context);
  if (/rate.?limit|resource_exhausted|too_many/i.test(kind)) {
    return new ModelRateLimitError(`${context.provider} rate limit: ${detail}`, context.provider, undefined, undefined);
  }
  if (/authentication|permission|invalid_api_key|unauthenticated/i.test(kind)) return authError(context);
  if (/overloaded|api_error|server_error|internal|unavailable/i.test(kind)) {
    return new ModelServerError(
      `${context.provider} failed mid-stream (${kind}): ${detail}`,
      context.provider,
      undefined,
    );
  }
  return new ModelResponseError(
    `${context.provider} reported an error mid-stream${kind ? ` (${kind})` : ''}: ${detail}`,
    context.provider,
    undefined,
  );
}

/** Maps whatever the AI SDK or the provider threw to one of the ModelError classes. */
export function classifyModelError(error: unknown, context: ErrorContext): ModelError {
  if (error instanceof ModelError) return error;
  if (RetryError.isInstance(error)) return classifyModelError(error.lastError, context);
  if (APICallError.isInstance(error)) return fromHttpStatus(error, context);
  const detail = providerMessage(error, context);
  if (
    JSONParseError.isInstance(error) ||
    TypeValidationError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error) ||
    NoContentGeneratedError.isInstance(error) ||
    NoOutputGeneratedError.isInstance(error)
  ) {
    return new ModelResponseError(
      `${context.provider} sent a malformed response: ${detail}`,
      context.provider,
      undefined,
    );
  }
  if (
    InvalidPromptError.isInstance(error) ||
    MessageConversionError.isInstance(error) ||
    MissingToolResultsError.isInstance(error) ||
    UnsupportedFunctionalityError.isInstance(error)
  ) {
    return new ModelRequestError(
      `cannot send this request to ${context.provider}: ${detail}`,
      context.provider,
      undefined,
    );
  }
  if (!(error instanceof Error)) return fromStreamError(error, context);
  return new ModelResponseError(`${context.provider} call failed: ${detail}`, context.provider, undefined);
}
