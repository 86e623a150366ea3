import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SANDBOX_LIMITS, sandboxKindSchema, sandboxLimitsSchema } from './sandbox-config.js';
import {
  hostPort,
  localPath,
  MAX_EMBEDDING_DIMENSIONS,
  MAX_OUTPUT_LIMIT_BYTES,
  MIN_EMBEDDING_DIMENSIONS,
  serviceUrl,
  timerSeconds,
} from './bounds.js';
import { formatZodError } from './format-zod-error.js';
import { readUserTextFile } from './user-file.js';
import { DEFAULT_LIMITS, limitsSchema } from './limits.js';
import { defaultModels, modelSchema, modelTypeName, type ModelConfig } from './model-config.js';
import { SwarmError } from '../errors/swarm-error.js';
import { LANDING_MODES } from '../tasks/merge-queue.js';

export class ConfigError extends SwarmError {
  readonly kind = 'config' as const;
  override name = 'ConfigError';
}

export type { ModelConfig } from './model-config.js';

/** The optional `swarm.config.json` file. Every key is optional; env vars win over the file. */
const fileSchema = z
  .object({
    home: z.string().optional(),
    temporal: z
      .object({
        address: z.string().optional(),
        namespace: z.string().optional(),
        uiUrl: z.string().url().optional(),
        cliPath: z.string().optional(),
        taskQueuePrefix: z.string().optional(),
      })
      .strict()
      .optional(),
    database: z
      .object({
        mode: z.enum(['local', 'remote', 'replica']).optional(),
        path: z.string().optional(),
        url: z.string().optional(),
        syncIntervalSeconds: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    models: z.record(modelTypeName, modelSchema).optional(),
    defaultModel: modelTypeName.optional(),
    embeddingDimensions: z.number().int().min(8).max(8192).optional(),
    memory: z
      .object({
        embedder: z.enum(['offline', 'openai', 'gemini']).optional(),
        model: z.string().min(1).optional(),
        baseUrl: z.string().url().optional(),
        apiKeyEnv: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/)
          .optional(),
        recallLimit: z.number().int().min(0).max(50).optional(),
        recallThreshold: z.number().min(-1).max(1).optional(),
      })
      .strict()
      .optional(),
    checks: z
      .object({
        timeoutSeconds: z.number().int().positive().optional(),
        outputLimitBytes: z.number().int().min(1024).optional(),
      })
      .strict()
      .optional(),
    /** Size caps on stored agent and check output (config/limits.ts). */
    limits: limitsSchema.partial().optional(),
    /** `"bubblewrap"` / `"none"`, or `{ kind, memoryMb, fileSizeMb, cpuSeconds, openFiles, processes }`. */
    sandbox: z
      .union([sandboxKindSchema, sandboxLimitsSchema.partial().extend({ kind: sandboxKindSchema.optional() }).strict()])
      .optional(),
    cli: z.object({ timeoutSeconds: z.number().positive().optional() }).strict().optional(),
    /** Remote repositories: the NAME of the variable holding a token for https remotes, and its user name. */
    git: z
      .object({
        tokenEnv: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'git.tokenEnv must be an environment variable name')
          .optional(),
        username: z.string().optional(),
      })
      .strict()
      .optional(),
    landing: z
      .object({ mode: z.enum(LANDING_MODES).optional(), batchSize: z.number().int().min(1).max(64).optional() })
      .strict()
      .optional(),
  })
  .strict();

const databaseUrl = serviceUrl('TURSO_DATABASE_URL', ['libsql', 'http', 'https', 'ws', 'wss']);
const databaseSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('local'), path: localPath('SWARM_DB_PATH') }),
  z.object({
    mode: z.literal('remote'),
    url: databaseUrl,
    authToken: z.string().optional(),
    /** An sqld namespace (a data branch there), chosen by the Host header of each request (db/namespace-fetch.ts). */
    namespace: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'SWARM_DB_NAMESPACE must be lowercase letters, digits, "-" and "_"')
      .optional(),
  }),
  z.object({
    mode: z.literal('replica'),
    path: localPath('SWARM_DB_PATH'),
    syncUrl: databaseUrl,
    authToken: z.string().optional(),
    syncIntervalSeconds: timerSeconds('TURSO_SYNC_INTERVAL'),
  }),
]);
export type DatabaseConfig = z.infer<typeof databaseSchema>;

/**
 * Where data branches are made (data-branches/): copies of the local file, namespaces forked by an
 * sqld's admin API, or Turso Cloud databases seeded through its Platform API; `none` says why not.
 */
const dataBranchesSchema = z.discriminatedUnion('backend', [
  z.object({ backend: z.literal('file') }),
  z.object({ backend: z.literal('sqld'), adminUrl: serviceUrl('SWARM_SQLD_ADMIN_URL', ['http', 'https']) }),
  z.object({
    backend: z.literal('turso'),
    organization: z.string().min(1, 'TURSO_ORGANIZATION must not be empty'),
    apiToken: z.string().min(1, 'TURSO_PLATFORM_API_TOKEN must not be empty'),
    /** The main database's name in the organization (default: from TURSO_DATABASE_URL's host). */
    database: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'TURSO_DATABASE_NAME must be lowercase letters, digits and dashes'),
    group: z.string().min(1),
    /** The Platform API's base URL; only tests point it elsewhere. */
    apiUrl: serviceUrl('TURSO_PLATFORM_API_URL', ['http', 'https']).optional(),
  }),
  z.object({ backend: z.literal('none'), reason: z.string() }),
]);
export type DataBranchesConfig = z.infer<typeof dataBranchesSchema>;

const EMBEDDING_DIMENSIONS = `SWARM_EMBEDDING_DIMENSIONS must be a whole number from ${MIN_EMBEDDING_DIMENSIONS} to ${MAX_EMBEDDING_DIMENSIONS} (what the embedders produce)`;

const configSchema = z.object({
  home: localPath('SWARM_HOME'),
  temporal: z.object({
    address: hostPort('TEMPORAL_ADDRESS'),
    namespace: z.string().min(1),
    uiUrl: serviceUrl('TEMPORAL_UI_URL', ['http', 'https']),
    cliPath: z.string().optional(),
    taskQueuePrefix: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'SWARM_TASK_QUEUE_PREFIX must be letters, digits, "_", "." or "-"'),
  }),
  database: databaseSchema,
  dataBranches: dataBranchesSchema,
  models: z
    .record(modelTypeName, modelSchema)
    .refine((m) => Object.keys(m).length > 0, 'at least one model type is needed'),
  defaultModel: modelTypeName,
  embeddingDimensions: z
    .number()
    .int(EMBEDDING_DIMENSIONS)
    .min(MIN_EMBEDDING_DIMENSIONS, EMBEDDING_DIMENSIONS)
    .max(MAX_EMBEDDING_DIMENSIONS, EMBEDDING_DIMENSIONS),
  memory: z.object({
    embedder: z.enum(['offline', 'openai', 'gemini'], 'SWARM_EMBEDDER must be offline, openai or gemini'),
    model: z.string().optional(),
    baseUrl: serviceUrl('SWARM_EMBEDDING_BASE_URL', ['http', 'https']).optional(),
    /** Environment variable holding the embedder's API key; read only where the embedder is built. */
    apiKeyEnv: z.string().optional(),
    /** How many memories go into an attempt's prompt, and how similar they must be. */
    recallLimit: z.number().int().min(0),
    recallThreshold: z.number(),
  }),
  worktreesDir: localPath('SWARM_WORKTREES_DIR'),
  /** Remote repositories (tasks by URL): this worker's mirrors, and the token handed to git by askpass. */
  git: z.object({
    mirrorsDir: localPath('SWARM_HOME'),
    /** The NAME of the environment variable holding a token for https remotes (never its value). */
    tokenEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'SWARM_GIT_TOKEN_ENV (git.tokenEnv) must be an environment variable name')
      .nullable(),
    username: z
      .string()
      .min(1, 'SWARM_GIT_USERNAME (git.username) must not be empty')
      .regex(/^[^\s:@/]+$/, 'SWARM_GIT_USERNAME (git.username) must not contain spaces, ":", "@" or "/"'),
  }),
  checks: z.object({
    timeoutSeconds: timerSeconds('SWARM_CHECK_TIMEOUT_SECONDS', { whole: true }),
    outputLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(MAX_OUTPUT_LIMIT_BYTES, `checks.outputLimitBytes is limited to ${MAX_OUTPUT_LIMIT_BYTES}`),
    /** Installed dependency trees by lockfile, shared by the worktrees of a repository (read-only in sandboxes). */
    dependencyCacheDir: localPath('SWARM_DEPS_CACHE_DIR'),
  }),
  /** How long a task's steps retry infrastructure failures (database, git, lost worker) before failing it. */
  outageWindowMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  limits: limitsSchema,
  /** Where agent commands, checks, installs and CLIs run; see process/sandbox.ts. */
  sandbox: z.object({ kind: sandboxKindSchema, limits: sandboxLimitsSchema }),
  /** How long the CLI waits for one database or Temporal call before it gives up (not for `--wait`). */
  cliTimeoutSeconds: timerSeconds('SWARM_CLI_TIMEOUT_SECONDS'),
  /** How passing tasks land: through the base branch's merge queue (default) or each by itself. */
  landing: z.object({
    mode: z.enum(LANDING_MODES, 'SWARM_LANDING must be queue or direct'),
    batchSize: z
      .number()
      .int('SWARM_MERGE_BATCH_SIZE must be a whole number from 1 to 64')
      .min(1, 'SWARM_MERGE_BATCH_SIZE must be a whole number from 1 to 64')
      .max(64, 'SWARM_MERGE_BATCH_SIZE must be a whole number from 1 to 64'),
  }),
  observability: z.object({
    /** Workers serve Prometheus metrics on this port (null: none); with several workers on one host, port + i. */
    metricsPort: z.number().int('SWARM_METRICS_PORT must be a port number').min(1).max(65535).nullable(),
    metricsHost: z.string().min(1),
    /** OTLP/HTTP traces endpoint (e.g. http://localhost:4318/v1/traces); null: no tracing. */
    otlpEndpoint: serviceUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http', 'https']).nullable(),
    /** Print webpack's statistics when a worker bundles the workflow code itself (no prebuilt bundle). */
    bundleStats: z.boolean(),
  }),
});
export type SwarmConfig = z.infer<typeof configSchema>;

type Env = Record<string, string | undefined>;

/** `__proto__` as a key: zod's records drop it silently, so a model type named so would vanish. */
function prototypeKey(value: unknown, where: string[] = []): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    if (key === '__proto__') return [...where, key].join('.');
    const found = prototypeKey(inner, [...where, key]);
    if (found) return found;
  }
  return null;
}

function readConfigFile(file: string): z.infer<typeof fileSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(readUserTextFile(file, { maxBytes: CONFIG_FILE_MAX_BYTES }));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  const badKey = prototypeKey(raw);
  if (badKey) throw new ConfigError(`invalid config file ${file}: ${badKey}: "__proto__" is not allowed as a name`);
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid config file ${file}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

const CONFIG_FILE_MAX_BYTES = 1024 * 1024;

function positiveNumber(env: Env, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got "${value}"`);
  return n;
}

/** The Turso database name in a `libsql://<database>-<organization>.turso.io` URL. */
function tursoDatabaseName(url: string | undefined, organization: string): string | undefined {
  if (!url) return undefined;
  try {
    const host = new URL(url).hostname;
    const suffix = `-${organization}.turso.io`;
    return host.endsWith(suffix) ? host.slice(0, -suffix.length) : undefined;
  } catch {
    return undefined;
  }
}

/** The data-branch backend: local mode copies files; remote and replica need sqld's admin API or Turso's Platform API. */
function dataBranchesFor(mode: string, remoteUrl: string | undefined, env: Env): unknown {
  if (mode === 'local') return { backend: 'file' };
  if (env.TURSO_PLATFORM_API_TOKEN || env.TURSO_ORGANIZATION) {
    if (!env.TURSO_PLATFORM_API_TOKEN || !env.TURSO_ORGANIZATION)
      throw new ConfigError('Turso data branches need both TURSO_PLATFORM_API_TOKEN and TURSO_ORGANIZATION');
    const database = env.TURSO_DATABASE_NAME ?? tursoDatabaseName(remoteUrl, env.TURSO_ORGANIZATION);
    if (!database)
      throw new ConfigError(
        'Turso data branches need TURSO_DATABASE_NAME (the main database could not be read from TURSO_DATABASE_URL)',
      );
    return {
      backend: 'turso',
      organization: env.TURSO_ORGANIZATION,
      apiToken: env.TURSO_PLATFORM_API_TOKEN,
      database,
      group: env.TURSO_GROUP || 'default',
      apiUrl: env.TURSO_PLATFORM_API_URL,
    };
  }
  if (env.SWARM_SQLD_ADMIN_URL) return { backend: 'sqld', adminUrl: env.SWARM_SQLD_ADMIN_URL };
  return {
    backend: 'none',
    reason: `data branches in ${mode} mode need SWARM_SQLD_ADMIN_URL (sqld started with --enable-namespaces) or TURSO_PLATFORM_API_TOKEN and TURSO_ORGANIZATION`,
  };
}

/**
 * Reads configuration once, at process start, from env and the optional config file.
 * Relative paths are resolved against `cwd`.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): SwarmConfig {
  const configFile = env.SWARM_CONFIG ? path.resolve(cwd, env.SWARM_CONFIG) : path.join(cwd, 'swarm.config.json');
  if (env.SWARM_CONFIG && !existsSync(configFile))
    throw new ConfigError(`SWARM_CONFIG points to ${configFile}, which does not exist`);
  const file = existsSync(configFile) ? readConfigFile(configFile) : {};

  const home = path.resolve(cwd, env.SWARM_HOME ?? file.home ?? '.swarm');
  const dbPath = path.resolve(cwd, env.SWARM_DB_PATH ?? file.database?.path ?? path.join(home, 'data.db'));
  const remoteUrl = env.TURSO_DATABASE_URL ?? file.database?.url;
  const requestedMode = env.SWARM_DB_MODE ?? file.database?.mode ?? (remoteUrl ? 'remote' : 'local');

  let database: unknown;
  if (requestedMode === 'local') database = { mode: 'local', path: dbPath };
  else if (requestedMode === 'remote' || requestedMode === 'replica') {
    if (!remoteUrl) throw new ConfigError(`database mode "${requestedMode}" needs TURSO_DATABASE_URL`);
    database =
      requestedMode === 'remote'
        ? {
            mode: 'remote',
            url: remoteUrl,
            authToken: env.TURSO_AUTH_TOKEN,
            ...(env.SWARM_DB_NAMESPACE ? { namespace: env.SWARM_DB_NAMESPACE } : {}),
          }
        : {
            mode: 'replica',
            path: dbPath,
            syncUrl: remoteUrl,
            authToken: env.TURSO_AUTH_TOKEN,
            syncIntervalSeconds: positiveNumber(env, 'TURSO_SYNC_INTERVAL') ?? file.database?.syncIntervalSeconds ?? 5,
          };
  } else throw new ConfigError(`SWARM_DB_MODE must be local, remote or replica, got "${requestedMode}"`);

  const dataBranches = dataBranchesFor(requestedMode, remoteUrl, env);

  const models: Record<string, ModelConfig> = file.models ?? defaultModels(env);
  const defaultModel = env.SWARM_DEFAULT_MODEL ?? file.defaultModel ?? Object.keys(models)[0] ?? 'local';

  const fileSandbox = typeof file.sandbox === 'string' ? { kind: file.sandbox } : (file.sandbox ?? {});
  const { kind: fileSandboxKind, ...fileLimits } = fileSandbox;
  const sandboxKind = env.SWARM_SANDBOX || fileSandboxKind || 'bubblewrap';
  if (!sandboxKindSchema.safeParse(sandboxKind).success) {
    throw new ConfigError(
      `${env.SWARM_SANDBOX ? 'SWARM_SANDBOX' : 'sandbox'} must be "bubblewrap" or "none", got "${sandboxKind}"`,
    );
  }

  const candidate = {
    home,
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? file.temporal?.address ?? 'localhost:7233',
      namespace: env.TEMPORAL_NAMESPACE ?? file.temporal?.namespace ?? 'default',
      uiUrl: env.TEMPORAL_UI_URL ?? file.temporal?.uiUrl ?? 'http://localhost:8233',
      cliPath: env.TEMPORAL_CLI_PATH ?? file.temporal?.cliPath,
      taskQueuePrefix: env.SWARM_TASK_QUEUE_PREFIX ?? file.temporal?.taskQueuePrefix ?? 'jetpack',
    },
    database,
    dataBranches,
    models,
    defaultModel,
    embeddingDimensions: positiveNumber(env, 'SWARM_EMBEDDING_DIMENSIONS') ?? file.embeddingDimensions ?? 1536,
    memory: {
      embedder: env.SWARM_EMBEDDER ?? file.memory?.embedder ?? 'offline',
      model: env.SWARM_EMBEDDING_MODEL ?? file.memory?.model,
      baseUrl: env.SWARM_EMBEDDING_BASE_URL ?? file.memory?.baseUrl,
      apiKeyEnv: file.memory?.apiKeyEnv,
      recallLimit: file.memory?.recallLimit ?? 5,
      recallThreshold: file.memory?.recallThreshold ?? 0.3,
    },
    worktreesDir: path.resolve(cwd, env.SWARM_WORKTREES_DIR ?? path.join(home, 'worktrees')),
    git: {
      mirrorsDir: path.join(home, 'mirrors'),
      tokenEnv: env.SWARM_GIT_TOKEN_ENV || file.git?.tokenEnv || null,
      username: env.SWARM_GIT_USERNAME ?? file.git?.username ?? 'x-access-token',
    },
    outageWindowMinutes: positiveNumber(env, 'SWARM_OUTAGE_WINDOW_MINUTES') ?? 30,
    checks: {
      timeoutSeconds: positiveNumber(env, 'SWARM_CHECK_TIMEOUT_SECONDS') ?? file.checks?.timeoutSeconds ?? 600,
      outputLimitBytes: file.checks?.outputLimitBytes ?? 64 * 1024,
      dependencyCacheDir: path.resolve(cwd, env.SWARM_DEPS_CACHE_DIR ?? path.join(home, 'cache', 'dependencies')),
    },
    limits: { ...DEFAULT_LIMITS, ...file.limits },
    sandbox: { kind: sandboxKind, limits: { ...DEFAULT_SANDBOX_LIMITS, ...fileLimits } },
    cliTimeoutSeconds: positiveNumber(env, 'SWARM_CLI_TIMEOUT_SECONDS') ?? file.cli?.timeoutSeconds ?? 15,
    landing: {
      mode: env.SWARM_LANDING ?? file.landing?.mode ?? 'queue',
      batchSize: positiveNumber(env, 'SWARM_MERGE_BATCH_SIZE') ?? file.landing?.batchSize ?? 8,
    },
    observability: {
      metricsPort: positiveNumber(env, 'SWARM_METRICS_PORT') ?? null,
      metricsHost: env.SWARM_METRICS_HOST || '127.0.0.1',
      otlpEndpoint:
        env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
        (env.OTEL_EXPORTER_OTLP_ENDPOINT ? env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '') + '/v1/traces' : null),
      bundleStats: env.SWARM_BUNDLE_STATS === '1' || env.SWARM_BUNDLE_STATS === 'true',
    },
  };
  const parsed = configSchema.safeParse(candidate);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatZodError(parsed.error)}`);
  const configured = Object.keys(parsed.data.models).join(', ');
  if (!Object.hasOwn(parsed.data.models, parsed.data.defaultModel)) {
    throw new ConfigError(
      `default model "${parsed.data.defaultModel}" is not a configured model type (configured: ${configured})`,
    );
  }
  for (const [type, model] of Object.entries(parsed.data.models)) {
    const fallback = model.fallback?.model;
    if (fallback !== undefined && (fallback === type || !Object.hasOwn(parsed.data.models, fallback))) {
      throw new ConfigError(
        `model type "${type}" falls back to "${fallback}", which is ${fallback === type ? 'itself' : `not configured (configured: ${configured})`}`,
      );
    }
  }
  return parsed.data;
}
