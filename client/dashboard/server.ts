import { timingSafeEqual, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Store } from '../../db/index.js';
import type { SwarmClient } from '../swarm-client.js';
import { TaskInputError } from '../task-input-error.js';
import { readBoard } from './board.js';

const publicFile = (name: string) => readFileSync(new URL(`./public/${name}`, import.meta.url), 'utf8');
// The browser build of Chart.js, beside the package's main file (its exports map names only the modules).
const CHART_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface DashboardOptions {
  store: Store;
  client: SwarmClient;
  temporalUiUrl: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Required on every request when set; made up when the host is not a loopback address and none is given. */
  token?: string;
  /** How often the server re-reads the board for its event streams. */
  refreshMs?: number;
}

export interface Dashboard {
  url: string;
  /** Set when requests need it (append `?token=` to the URL). */
  token: string | null;
  close(): Promise<void>;
}

const approveBody = z
  .object({ addTokens: z.number().int().positive().optional(), addUsd: z.number().positive().optional() })
  .strict();
const rejectBody = z.object({ reason: z.string().trim().min(1, 'a reason is needed').max(2_000) }).strict();

const sameToken = (given: string | undefined, expected: string) =>
  given !== undefined && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/**
 * `swarm dashboard`: the board page, its data as server-sent events (the server reads the database;
 * the browser only listens), task details, and budget approve/reject through the swarm client.
 * Bound to 127.0.0.1 unless told otherwise; any other address needs a token.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? (LOOPBACK.has(host) ? null : randomBytes(18).toString('base64url'));
  const refreshMs = options.refreshMs ?? 1_000;
  const { store, client } = options;
  const board = () => readBoard(store, client.workflowUrl, options.temporalUiUrl);

  const app = new Hono();
  app.use('*', async (c, next) => {
    if (token && !sameToken(c.req.query('token') ?? c.req.header('authorization')?.replace(/^Bearer /, ''), token))
      return c.text('a token is needed: open the URL "swarm dashboard" printed', 401);
    // Writes need a header a cross-site form cannot send, so another page cannot approve a budget.
    if (c.req.method === 'POST' && c.req.header('x-swarm-dashboard') !== '1') return c.text('forbidden', 403);
    await next();
  });
  app.onError((err, c) =>
    err instanceof TaskInputError ? c.json({ error: err.message }, 400) : c.json({ error: err.message }, 500),
  );

  app.get('/', (c) => c.html(publicFile('index.html')));
  app.get('/app.js', (c) => c.body(publicFile('app.js'), 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/chart.js', (c) =>
    c.body(readFileSync(CHART_JS, 'utf8'), 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/api/board', async (c) => c.json(await board()));
  app.get('/api/tasks/:id', async (c) => {
    const shown = await client.showTask(c.req.param('id'));
    return shown ? c.json(shown) : c.json({ error: `no task with id "${c.req.param('id')}"` }, 404);
  });
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      let last = '';
      let id = 0;
      while (!stream.aborted && !stream.closed) {
        const data = JSON.stringify(await board().catch((err: Error) => ({ error: err.message })));
        if (data !== last) await stream.writeSSE({ event: 'board', data, id: String(id++) });
        last = data;
        await stream.sleep(refreshMs);
      }
    }),
  );
  app.post('/api/tasks/:id/approve', async (c) => {
    const parsed = approveBody.safeParse(await c.req.json().catch(() => ({})));
    if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message ?? 'invalid approval' }, 400);
    const budget = await client.approveBudget(c.req.param('id'), {
      addTokens: parsed.data.addTokens,
      addCostUsd: parsed.data.addUsd,
      by: 'dashboard',
    });
    return c.json({ approved: true, budget });
  });
  app.post('/api/tasks/:id/reject', async (c) => {
    const parsed = rejectBody.safeParse(await c.req.json().catch(() => ({})));
    if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message ?? 'invalid rejection' }, 400);
    await client.rejectBudget(c.req.param('id'), parsed.data.reason);
    return c.json({ rejected: true });
  });

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8484 }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/${token ? `?token=${token}` : ''}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
