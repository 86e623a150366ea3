import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';
import { dataBranchBackend } from '../../data-branches/backends.js';
import { DataBranchBackendError, DataBranchConfigError } from '../../data-branches/errors.js';
import { tursoBackend } from '../../data-branches/turso-backend.js';
import { tempDir } from '../helpers/test-env.js';

const TOKEN = 'platform-token';
const ORG = 'acme';

interface Seen {
  method: string;
  path: string;
  query: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A local server answering as the Turso Platform API documents it (api-reference/databases):
 * create `POST /v1/organizations/{org}/databases` → `{ database: { DbId, Hostname, Name } }`;
 * token `POST …/databases/{name}/auth/tokens` → `{ jwt }`; delete `DELETE …/databases/{name}` →
 * `{ database: name }`; errors as `{ error }` with the HTTP status.
 */
function platformApi() {
  const seen: Seen[] = [];
  const databases = new Set(['swarm']);
  let failWith: number | null = null;
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    return text ? (JSON.parse(text) as unknown) : null;
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, 'http://localhost');
      const body = await readBody(req);
      seen.push({
        method: req.method!,
        path: url.pathname,
        query: url.search,
        authorization: req.headers.authorization,
        body,
      });
      const reply = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (failWith) return reply(failWith, { error: `failing with ${failWith}` });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return reply(401, { error: 'invalid token' });
      const base = `/v1/organizations/${ORG}/databases`;
      if (req.method === 'POST' && url.pathname === base) {
        const { name, seed } = body as { name: string; seed?: { name?: string } };
        if (databases.has(name)) return reply(409, { error: `database ${name} already exists` });
        if (seed?.name && !databases.has(seed.name)) return reply(404, { error: `database ${seed.name} not found` });
        databases.add(name);
        return reply(200, { database: { DbId: `id-${name}`, Hostname: `${name}-${ORG}.turso.io`, Name: name } });
      }
      const token = url.pathname.match(new RegExp(`^${base}/([^/]+)/auth/tokens$`));
      if (req.method === 'POST' && token) {
        if (!databases.has(token[1]!)) return reply(404, { error: 'database not found' });
        return reply(200, { jwt: `jwt-for-${token[1]}` });
      }
      const one = url.pathname.match(new RegExp(`^${base}/([^/]+)$`));
      if (req.method === 'DELETE' && one) {
        if (!databases.delete(one[1]!)) return reply(404, { error: 'database not found' });
        return reply(200, { database: one[1] });
      }
      reply(404, { error: 'no such route' });
    })();
  });
  return {
    server,
    seen,
    databases,
    failWith: (status: number | null) => (failWith = status),
  };
}

describe('Turso Cloud data branches, against a local server speaking the Platform API', () => {
  const api = platformApi();
  let apiUrl: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/v1/`;
  });
  afterAll(() => new Promise<void>((resolve) => api.server.close(() => resolve())));
  beforeEach(() => {
    api.seen.length = 0;
    api.failWith(null);
  });

  const backend = () =>
    tursoBackend({ organization: ORG, apiToken: TOKEN, database: 'swarm', group: 'default', apiUrl });

  it('creates a branch as a new database seeded from its parent, opens it with a minted token, deletes it', async () => {
    const turso = backend();
    const location = turso.locationFor('trial');
    await turso.create(location, null, undefined as never);
    expect(api.seen[0]).toMatchObject({
      method: 'POST',
      path: `/v1/organizations/${ORG}/databases`,
      authorization: `Bearer ${TOKEN}`,
      body: { name: 'swarm-trial', group: 'default', seed: { type: 'database', name: 'swarm' } },
    });
    expect(location).toEqual({ database: 'swarm-trial', hostname: `swarm-trial-${ORG}.turso.io` });

    const opened = await turso.databaseConfig(location);
    expect(opened).toEqual({
      mode: 'remote',
      url: `libsql://swarm-trial-${ORG}.turso.io`,
      authToken: 'jwt-for-swarm-trial',
    });
    await turso.databaseConfig(location);
    const tokenRequests = api.seen.filter((s) => s.path.endsWith('/auth/tokens'));
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toMatchObject({ method: 'POST', query: '?authorization=full-access' });

    // A branch of a branch is seeded from the parent branch's database.
    const child = turso.locationFor('child');
    await turso.create(child, location, undefined as never);
    expect(api.seen.at(-1)!.body).toMatchObject({
      name: 'swarm-child',
      seed: { type: 'database', name: 'swarm-trial' },
    });

    await turso.delete(child);
    await turso.delete(location);
    expect(api.seen.slice(-2).map((s) => `${s.method} ${s.path}`)).toEqual([
      `DELETE /v1/organizations/${ORG}/databases/swarm-child`,
      `DELETE /v1/organizations/${ORG}/databases/swarm-trial`,
    ]);
    expect([...api.databases]).toEqual(['swarm']);
    // Deleting what is already gone is not an error.
    await turso.delete(location);
  });

  it('names the API and the status when it refuses: 4xx is configuration, 5xx may pass', async () => {
    const wrongToken = tursoBackend({
      organization: ORG,
      apiToken: 'nope',
      database: 'swarm',
      group: 'default',
      apiUrl,
    });
    const refused = wrongToken.create(wrongToken.locationFor('x'), null, undefined as never);
    await expect(refused).rejects.toThrow(DataBranchConfigError);
    await expect(refused).rejects.toThrow(
      /Platform API could not create database "swarm-x" from "swarm": invalid token \(HTTP 401\)/,
    );
    api.failWith(503);
    await expect(backend().create(backend().locationFor('y'), null, undefined as never)).rejects.toThrow(
      DataBranchBackendError,
    );
  });

  it('is the configured backend when the Platform API token and organization are set', () => {
    const home = tempDir('turso-config');
    const env = {
      SWARM_HOME: home,
      TURSO_DATABASE_URL: `libsql://swarm-${ORG}.turso.io`,
      TURSO_PLATFORM_API_TOKEN: TOKEN,
      TURSO_ORGANIZATION: ORG,
    };
    const config = loadConfig(env, home);
    expect(config.dataBranches).toEqual({
      backend: 'turso',
      organization: ORG,
      apiToken: TOKEN,
      database: 'swarm',
      group: 'default',
    });
    expect(dataBranchBackend(config).kind).toBe('turso');
    expect(() => loadConfig({ ...env, TURSO_ORGANIZATION: '' }, home)).toThrow(
      /need both TURSO_PLATFORM_API_TOKEN and TURSO_ORGANIZATION/,
    );
    expect(() => loadConfig({ ...env, TURSO_DATABASE_URL: 'http://127.0.0.1:8080' }, home)).toThrow(ConfigError);
    expect(() =>
      dataBranchBackend(loadConfig({ SWARM_HOME: home, TURSO_DATABASE_URL: 'http://127.0.0.1:8080' }, home)),
    ).toThrow(/need SWARM_SQLD_ADMIN_URL .* or TURSO_PLATFORM_API_TOKEN and TURSO_ORGANIZATION/);
  });
});
