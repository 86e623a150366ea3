import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import {
  loadClientConfig,
  loadClientConfigProfile,
  toClientOptions,
  type ClientConfigProfile,
  type ConfigDataSource,
} from '@temporalio/envconfig';
import { parseHostPort } from './bounds.js';
import { ConfigError } from './config-error.js';

type Env = Record<string, string | undefined>;

/**
 * How to reach Temporal, for the client, the CLI, the workers and the programmatic API alike.
 * Each field, first found wins: a `TEMPORAL_*` variable, the envconfig profile (TEMPORAL_PROFILE,
 * default "default", of TEMPORAL_CONFIG_FILE or the Temporal CLI's default file), swarm.config.json's
 * `temporal`, the built-in default (a plain local dev server at localhost:7233, namespace "default").
 * TLS, client certificates, the API key and gRPC metadata come from the first two only.
 */
export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  /** false: plaintext. true or an object: TLS (an object carries the CA, client pair and server name). */
  tls: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
  /** The envconfig profile in use and its file, when one was found; named in messages. */
  profile: { name: string; file: string } | null;
  /** TLS or an API key: a server swarm must never try to start a dev server in place of. */
  secured: boolean;
}

/** What swarm.config.json says about Temporal's address and namespace. */
export interface TemporalFileSettings {
  address?: string;
  namespace?: string;
}

const DEFAULT_ADDRESS = 'localhost:7233';
const DEFAULT_NAMESPACE = 'default';
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/** The options both `Connection.connect` (client) and `NativeConnection.connect` (worker) take. */
export function temporalConnectionOptions(settings: TemporalConnectionSettings) {
  return {
    address: settings.address,
    tls: settings.tls,
    ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
    ...(settings.metadata ? { metadata: settings.metadata } : {}),
  };
}

/** A plain connection to localhost, 127.0.0.1 or ::1: the only kind `swarm start` may start a dev server for. */
export function isPlainLocal(settings: TemporalConnectionSettings): boolean {
  const host = parseHostPort(settings.address)?.host;
  return !settings.secured && host !== undefined && LOCAL_HOSTS.has(host);
}

/** The address and how it is reached, for messages: `host:7233 (TLS, API key; profile "prod" of /x.toml)`. */
export function describeTemporal(settings: TemporalConnectionSettings): string {
  const how = [settings.tls !== false && 'TLS', settings.apiKey !== undefined && 'API key'].filter(Boolean);
  const profile = settings.profile && `profile "${settings.profile.name}" of ${settings.profile.file}`;
  const details = [how.join(', '), profile].filter(Boolean).join('; ');
  return details ? `${settings.address} (${details})` : settings.address;
}

/** The envconfig file read: TEMPORAL_CONFIG_FILE, else the Temporal CLI's default under the user's config dir. */
function configFileName(env: Env): string {
  if (env.TEMPORAL_CONFIG_FILE) return `TEMPORAL_CONFIG_FILE ${env.TEMPORAL_CONFIG_FILE}`;
  return 'the Temporal config file (temporalio/temporal.toml under XDG_CONFIG_HOME or ~/.config)';
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The profile envconfig would use, with file and profile errors turned into messages naming them. */
function loadProfile(env: Env): { profile: ClientConfigProfile; name: string | null } {
  const overrideEnvVars = env as Record<string, string>;
  if (env.TEMPORAL_CONFIG_FILE !== undefined && !existsSync(env.TEMPORAL_CONFIG_FILE))
    throw new ConfigError(`TEMPORAL_CONFIG_FILE points to ${env.TEMPORAL_CONFIG_FILE}, which does not exist`);
  let names: string[];
  try {
    names = Object.keys(loadClientConfig({ overrideEnvVars }).profiles);
  } catch (err) {
    throw new ConfigError(`${configFileName(env)} is not a valid TOML profile file: ${messageOf(err)}`, {
      cause: err,
    });
  }
  const requested = env.TEMPORAL_PROFILE;
  if (requested !== undefined && !names.includes(requested)) {
    throw new ConfigError(
      `TEMPORAL_PROFILE "${requested}" is not a profile of ${configFileName(env)} (${names.length ? `profiles there: ${names.join(', ')}` : 'it has none'})`,
    );
  }
  const name = requested ?? (names.includes('default') ? 'default' : null);
  try {
    return { profile: loadClientConfigProfile({ overrideEnvVars }), name };
  } catch (err) {
    throw new ConfigError(`Temporal profile "${name ?? 'default'}" of ${configFileName(env)}: ${messageOf(err)}`, {
      cause: err,
    });
  }
}

type PemKind = 'certificate' | 'private key';

/** Reads a TLS file or inline PEM and parses it, so a missing or wrong file is refused now, not at the handshake. */
function checkPem(source: ConfigDataSource | undefined, kind: PemKind, where: string): void {
  if (source === undefined) return;
  const file = 'path' in source ? source.path : null;
  if (file !== null && !existsSync(file)) throw new ConfigError(`${where} names ${file}, which does not exist`);
  try {
    const pem = file !== null ? readFileSync(file) : Buffer.from((source as { data: string | Uint8Array }).data);
    if (kind === 'certificate') new X509Certificate(pem);
    else createPrivateKey(pem);
  } catch (err) {
    throw new ConfigError(`${where}${file !== null ? ` (${file})` : ''} is not a PEM ${kind}: ${messageOf(err)}`, {
      cause: err,
    });
  }
}

/** Which setting named a TLS file: the variable when it is set, else the profile's key. */
function tlsSettingName(env: Env, variable: string, key: string, profile: string | null, file: string): string {
  if (env[`${variable}_PATH`] !== undefined || env[`${variable}_DATA`] !== undefined) return variable + '_PATH/_DATA';
  return `${key} of Temporal profile "${profile ?? 'default'}" in ${file}`;
}

/**
 * Reads the Temporal connection settings once, at process start: envconfig (TEMPORAL_* variables
 * over the profile) over swarm.config.json over the default. Every TLS file is read and parsed
 * here, so a missing or malformed one is a ConfigError naming it.
 */
export function loadTemporalSettings(env: Env, file: TemporalFileSettings = {}): TemporalConnectionSettings {
  const { profile, name } = loadProfile(env);
  const fileName = env.TEMPORAL_CONFIG_FILE ?? 'the Temporal config file';
  const tls = profile.tls;
  if (tls && tls.disabled !== true) {
    const at = (variable: string, key: string) => tlsSettingName(env, variable, key, name, fileName);
    checkPem(tls.serverCACert, 'certificate', at('TEMPORAL_TLS_SERVER_CA_CERT', 'tls.server_ca_cert_path/_data'));
    checkPem(tls.clientCert, 'certificate', at('TEMPORAL_TLS_CLIENT_CERT', 'tls.client_cert_path/_data'));
    checkPem(tls.clientKey, 'private key', at('TEMPORAL_TLS_CLIENT_KEY', 'tls.client_key_path/_data'));
    if ((tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
      const [has, lacks] = tls.clientCert ? ['certificate', 'key'] : ['key', 'certificate'];
      throw new ConfigError(
        `Temporal TLS has a client ${has} but no client ${lacks} (set both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH, or client_cert_path and client_key_path in the profile)`,
      );
    }
  }
  const { connectionOptions, namespace } = toClientOptions(profile);
  const address = connectionOptions.address ?? file.address ?? DEFAULT_ADDRESS;
  if (parseHostPort(address) === null) {
    const from =
      env.TEMPORAL_ADDRESS !== undefined
        ? 'TEMPORAL_ADDRESS'
        : profile.address !== undefined
          ? `address of Temporal profile "${name ?? 'default'}" in ${fileName}`
          : "the swarm config file's temporal.address";
    throw new ConfigError(
      `temporal.address: ${from} must be host:port or [ipv6]:port with a port from 1 to 65535, got "${address}"`,
    );
  }
  const tlsOption = connectionOptions.tls ?? false;
  const apiKey = connectionOptions.apiKey as string | undefined;
  return {
    address,
    namespace: namespace ?? file.namespace ?? DEFAULT_NAMESPACE,
    tls: tlsOption === null ? false : tlsOption,
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(connectionOptions.metadata && Object.keys(connectionOptions.metadata).length > 0
      ? { metadata: connectionOptions.metadata as Record<string, string> }
      : {}),
    profile: name === null ? null : { name, file: fileName },
    secured: tlsOption !== false && tlsOption !== null ? true : apiKey !== undefined,
  };
}
