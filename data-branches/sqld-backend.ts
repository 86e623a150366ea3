import type { DatabaseConfig } from '../config/config.js';
import type { DataBranchBackend } from './backend.js';
import { DataBranchBackendError, DataBranchConfigError } from './errors.js';

/** sqld's namespace for requests that name none; the main data when namespaces are enabled. */
const DEFAULT_NAMESPACE = 'default';
const ADMIN_TIMEOUT_MS = 30_000;

/**
 * Branches as sqld namespaces: the admin API forks the parent's namespace (`POST
 * /v1/namespaces/<from>/fork/<to>`, the parent's rows at that moment), and clients pick a namespace
 * by the Host header (db/namespace-fetch.ts). Needs sqld started with `--enable-namespaces
 * --admin-listen-addr`.
 */
export function sqldBackend(options: {
  adminUrl: string;
  /** The main database (its URL and token; in replica mode, its primary). */
  database: { url: string; authToken?: string; namespace?: string };
}): DataBranchBackend {
  const mainNamespace = options.database.namespace ?? DEFAULT_NAMESPACE;

  const admin = async (method: 'POST' | 'DELETE', route: string): Promise<{ status: number; text: string }> => {
    let response: Response;
    try {
      response = await fetch(new URL(route, options.adminUrl), {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
        signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS),
      });
    } catch (err) {
      throw new DataBranchBackendError(`sqld's admin API at ${options.adminUrl} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return { status: response.status, text: await response.text() };
  };

  const fork = (from: string, to: string) =>
    admin('POST', `/v1/namespaces/${encodeURIComponent(from)}/fork/${encodeURIComponent(to)}`);
  const remove = (namespace: string) => admin('DELETE', `/v1/namespaces/${encodeURIComponent(namespace)}`);

  return {
    kind: 'sqld',
    // A prefix keeps a branch from ever being sqld's own `default` namespace, and apart from other main namespaces' branches.
    locationFor: (name) => ({
      namespace: `${mainNamespace === DEFAULT_NAMESPACE ? 'branch' : mainNamespace}-${name}`,
    }),
    async create(location, from) {
      const parent = from?.namespace ?? mainNamespace;
      let forked = await fork(parent, location.namespace!);
      if (forked.status === 400 && /already exists/i.test(forked.text)) {
        // Left by an earlier create that failed before it was registered.
        await remove(location.namespace!);
        forked = await fork(parent, location.namespace!);
      }
      if (forked.status === 404)
        throw new DataBranchConfigError(
          `sqld at ${options.adminUrl} cannot fork namespace "${parent}": ${forked.text || 'not found'} (is it started with --enable-namespaces?)`,
        );
      if (forked.status >= 300)
        throw new DataBranchBackendError(`sqld refused to fork "${parent}" (HTTP ${forked.status}): ${forked.text}`);
    },
    async databaseConfig(location): Promise<DatabaseConfig> {
      return {
        mode: 'remote',
        url: options.database.url,
        authToken: options.database.authToken,
        namespace: location.namespace!,
      };
    },
    async delete(location) {
      const removed = await remove(location.namespace!);
      if (removed.status >= 300 && removed.status !== 404 && !/doesn't exist/i.test(removed.text))
        throw new DataBranchBackendError(
          `sqld refused to delete namespace "${location.namespace}" (HTTP ${removed.status}): ${removed.text}`,
        );
    },
  };
}
