import { createClient } from '@tursodatabase/api';
import type { DatabaseConfig } from '../config/config.js';
import type { DataBranchBackend } from './backend.js';
import { DataBranchBackendError, DataBranchConfigError } from './errors.js';

/** Turso database names are at most 64 characters. */
const MAX_DATABASE_NAME = 64;

interface TursoOptions {
  organization: string;
  apiToken: string;
  /** The main database's name in the organization. */
  database: string;
  group: string;
  apiUrl?: string;
}

/** The Platform API's answer as an error of ours: 4xx is the configuration's to fix, anything else may pass. */
function platformError(what: string, err: unknown): Error {
  const status = (err as { status?: number }).status;
  const message = `Turso's Platform API could not ${what}: ${(err as Error).message}${status ? ` (HTTP ${status})` : ''}`;
  return status !== undefined && status >= 400 && status < 500 && status !== 429
    ? new DataBranchConfigError(message, { cause: err })
    : new DataBranchBackendError(message, { cause: err });
}

/**
 * Branches as Turso Cloud databases, through the Platform API (`@tursodatabase/api`): a branch is a
 * new database in the same group seeded from its parent database (`seed: { type: "database" }`),
 * opened with a token minted for it on first use in this process (never stored).
 */
export function tursoBackend(options: TursoOptions): DataBranchBackend {
  const client = createClient({
    org: options.organization,
    token: options.apiToken,
    ...(options.apiUrl ? { baseUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/` } : {}),
  });
  const tokens = new Map<string, Promise<string>>();

  return {
    kind: 'turso',
    locationFor: (name) => ({ database: `${options.database}-${name}`.slice(0, MAX_DATABASE_NAME) }),
    async create(location, from) {
      const seed = { type: 'database' as const, name: from?.database ?? options.database };
      let created;
      try {
        created = await client.databases.create(location.database!, { group: options.group, seed });
      } catch (err) {
        throw platformError(`create database "${location.database}" from "${seed.name}"`, err);
      }
      location.hostname = created.hostname;
    },
    async databaseConfig(location): Promise<DatabaseConfig> {
      const name = location.database!;
      let token = tokens.get(name);
      if (!token) {
        token = client.databases.createToken(name, { authorization: 'full-access' }).then(
          (t) => t.jwt,
          (err: unknown) => {
            tokens.delete(name);
            throw platformError(`create a token for database "${name}"`, err);
          },
        );
        tokens.set(name, token);
      }
      return { mode: 'remote', url: `libsql://${location.hostname}`, authToken: await token };
    },
    async delete(location) {
      try {
        await client.databases.delete(location.database!);
      } catch (err) {
        if ((err as { status?: number }).status === 404) return;
        throw platformError(`delete database "${location.database}"`, err);
      }
      tokens.delete(location.database!);
    },
  };
}
