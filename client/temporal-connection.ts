import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';
import type { SwarmConfig } from '../config/config.js';
import { temporalConnectionOptions } from '../config/temporal-settings.js';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];
// An interceptor may hand back the next call as it is (grpc-js only uses the call interface); the
// declared type asks for the InterceptingCall class, which would need grpc-js as a direct dependency.
type Call = ReturnType<Interceptor>;

/** The one long poll the CLI makes on purpose: waiting for a workflow's result (`--wait`). */
const LONG_POLLS = new Set(['/temporal.api.workflowservice.v1.WorkflowService/GetWorkflowExecutionHistory']);

/** Gives every call without an earlier deadline one `ms` from now, retries included (this runs outside the retry interceptor). */
const deadlineInterceptor =
  (ms: number): Interceptor =>
  (options, nextCall) => {
    if (LONG_POLLS.has(options.method_definition.path)) return nextCall(options) as Call;
    const ours = Date.now() + ms;
    const theirs =
      options.deadline === undefined
        ? Infinity
        : options.deadline instanceof Date
          ? options.deadline.getTime()
          : options.deadline;
    return nextCall({ ...options, deadline: Math.min(ours, theirs) }) as Call;
  };

/** A Temporal client, connected as config.temporal says (TLS, API key; see config/temporal-settings.ts); with `callTimeoutMs`, each call (but the result long poll) fails after that long. */
export async function connectTemporal(config: SwarmConfig, options: { callTimeoutMs?: number } = {}): Promise<Client> {
  let connection: Connection;
  const retry = makeGrpcRetryInterceptor(defaultGrpcRetryOptions());
  try {
    connection = await Connection.connect({
      ...temporalConnectionOptions(config.temporal),
      connectTimeout: Math.min(5_000, options.callTimeoutMs ?? Infinity),
      interceptors: options.callTimeoutMs ? [deadlineInterceptor(options.callTimeoutMs), retry] : [retry],
    });
  } catch (err) {
    const { explainConnectFailure } = await import('../config/temporal-connect-failure.js');
    throw await explainConnectFailure(config.temporal, err);
  }
  return new Client({ connection, namespace: config.temporal.namespace });
}

/** Registers the project's search attributes on a server that lacks them (servers we start get them by flag). */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<string[]> {
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return [];
  await client.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
    ),
  });
  return missing.map((key) => key.name);
}
