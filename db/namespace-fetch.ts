import http from 'node:http';
import https from 'node:https';

/**
 * A fetch for `@libsql/client` that addresses one sqld namespace. sqld picks the namespace from the
 * first label of the Host header (`<namespace>.localhost`), and Node's fetch will not send a Host
 * header of its own choosing, so requests go through node:http with the header set.
 */
export function namespaceFetch(namespace: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const body = Buffer.from(await request.arrayBuffer());
    const url = new URL(request.url);
    const headers = { ...Object.fromEntries(request.headers), host: `${namespace}.localhost` };
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = transport.request(url, { method: request.method, headers }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve(
            new Response(Buffer.concat(chunks), { status: incoming.statusCode ?? 500, headers: responseHeaders }),
          );
        });
      });
      outgoing.on('error', reject);
      request.signal?.addEventListener('abort', () => outgoing.destroy(new Error('aborted')), { once: true });
      outgoing.end(body);
    });
  };
}
