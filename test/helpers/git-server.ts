import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { git } from '../../workspace/git.js';
import { createFixtureRepo } from './fixture-repo.js';

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

/** One request the server saw (for asserting what reached the remote, and with which user). */
export interface GitRequest {
  method: string;
  path: string;
  user: string | null;
  status: number;
}

export interface GitServerOptions {
  /** Directory holding the bare repositories (`<root>/<name>.git`); a temp dir when omitted. */
  root?: string;
  /** Basic auth every request must carry: the user name and its password (a token). */
  auth?: { username: string; password: string };
}

export interface GitServer {
  root: string;
  /** `http://127.0.0.1:<port>/<name>.git` (never with the credentials in it). */
  url(name: string): string;
  requests: GitRequest[];
  close(): Promise<void>;
}

/**
 * A real git smart-HTTP server on 127.0.0.1: Node's http server running git's own `git
 * http-backend` as a CGI program, with optional Basic auth. Pushes are accepted (receive-pack is
 * enabled for every authenticated request, as the backend does when REMOTE_USER is set).
 */
export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const root = options.root ?? (await mkdtemp(path.join(tmpdir(), 'jetpack-git-server-')));
  const requests: GitRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const user = basicUser(req.headers.authorization, options.auth);
    const record = (status: number) =>
      requests.push({ method: req.method ?? 'GET', path: url.pathname, user: user ?? null, status });
    if (options.auth && user === undefined) {
      record(401);
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="jetpack-test"' }).end('authentication required\n');
      return;
    }
    const cgi = spawn(HTTP_BACKEND, [], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: root,
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        REMOTE_USER: user || 'anonymous',
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(cgi.stdin);
    cgi.stdin.on('error', () => undefined);
    cgi.stderr.resume();
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      const sep = end >= 0 ? 4 : 2;
      const at = end >= 0 ? end : head.indexOf('\n\n');
      if (at < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, at).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      record(status);
      res.writeHead(status, headers);
      res.write(head.subarray(at + sep));
    });
    cgi.on('close', () => {
      if (!headersDone) {
        record(502);
        res.writeHead(502).end('git http-backend gave no response\n');
      } else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    root,
    url: (name) => `http://127.0.0.1:${port}/${name}.git`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The authenticated user, '' for anonymous access when no auth is configured, undefined when refused. */
function basicUser(header: string | undefined, auth: GitServerOptions['auth']): string | undefined {
  if (!auth) return '';
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return user === auth.username && password === auth.password ? user : undefined;
}

/**
 * A bare repository `<root>/<name>.git` holding `files` committed on `main` (its HEAD), ready to be
 * cloned and pushed to through the server.
 */
export async function createBareRepo(root: string, name: string, files: Record<string, string>): Promise<string> {
  const seed = await mkdtemp(path.join(tmpdir(), 'jetpack-git-seed-'));
  try {
    await createFixtureRepo(seed, files);
    const bare = path.join(root, `${name}.git`);
    await mkdir(bare, { recursive: true });
    await git(bare, ['init', '--quiet', '--bare', '--initial-branch', 'main']);
    await git(seed, ['push', '--quiet', bare, 'main:main']);
    return bare;
  } finally {
    await rm(seed, { recursive: true, force: true });
  }
}

/**
 * Makes the server refuse pushes to `ref` of a bare repository (a pre-receive hook that declines
 * with `message`), as a protected branch does.
 */
export async function refusePushesTo(bare: string, ref: string, message: string): Promise<void> {
  const hook = path.join(bare, 'hooks', 'pre-receive');
  await mkdir(path.dirname(hook), { recursive: true });
  await writeFile(
    hook,
    [
      '#!/bin/sh',
      'while read old new ref; do',
      `  if [ "$ref" = "${ref}" ]; then echo "${message.replace(/["$`\\]/g, '')}" >&2; exit 1; fi`,
      'done',
      'exit 0',
      '',
    ].join('\n'),
  );
  await chmod(hook, 0o755);
}
