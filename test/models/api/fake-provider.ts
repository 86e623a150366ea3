import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake provider received, with its JSON body parsed. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** A piece of a streamed response: text written as is, or a gate the stream waits on before going on. */
export type StreamPiece = string | (() => Promise<void>);

export type FakeReply =
  | { stream: StreamPiece[]; headers?: Record<string, string> }
  | { status: number; body: unknown; headers?: Record<string, string> };

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** An SSE event as the providers write them: optional `event:` line, one JSON `data:` line, blank line. */
export const sseEvent = (data: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/**
 * A local HTTP server standing in for a model provider: it records every request and answers with
 * the reply `respond` picks (a status with a body, or a server-sent event stream written piece by piece).
 */
export async function startFakeProvider(
  respond: (request: RecordedRequest, index: number) => FakeReply,
): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: raw ? JSON.parse(raw) : undefined,
    };
    requests.push(recorded);
    const reply = respond(recorded, requests.length - 1);
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
    res.flushHeaders();
    for (const piece of reply.stream) {
      if (typeof piece === 'string') res.write(piece);
      else await piece();
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A gate the stream waits at until the client has received a text delta (or `timeoutMs` passed).
 * `deltaArrivedMidStream` says whether the delta came while the stream was still open: a client that
 * buffers the whole response before calling onDelta cannot pass the gate in time.
 */
export function deltaGate(timeoutMs = 5_000) {
  const deltas: string[] = [];
  let open: () => void = () => {};
  let deltaArrivedMidStream = false;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    deltas,
    get deltaArrivedMidStream() {
      return deltaArrivedMidStream;
    },
    onDelta(delta: string) {
      deltas.push(delta);
      open();
    },
    async wait() {
      const timedOut = Symbol('timed out');
      const winner = await Promise.race([
        opened,
        new Promise((resolve) => setTimeout(() => resolve(timedOut), timeoutMs).unref()),
      ]);
      deltaArrivedMidStream = winner !== timedOut;
    },
  };
}

export async function expectRejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
