import { z } from 'zod';

/** How to open a swarm from code: each field the environment variable the CLI reads would give. */
export const openSwarmOptionsSchema = z
  .object({
    /** Where the swarm's state lives (SWARM_HOME); default `.swarm` under `cwd`. */
    home: z.string().min(1).optional(),
    database: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('local'), path: z.string().min(1).optional() }).strict(),
        z
          .object({
            mode: z.literal('remote'),
            url: z.string().min(1),
            authToken: z.string().optional(),
            namespace: z.string().optional(),
          })
          .strict(),
        z
          .object({
            mode: z.literal('replica'),
            url: z.string().min(1),
            path: z.string().min(1).optional(),
            authToken: z.string().optional(),
            syncIntervalSeconds: z.number().positive().optional(),
          })
          .strict(),
      ])
      .optional(),
    temporal: z
      .object({
        address: z.string().min(1).optional(),
        namespace: z.string().min(1).optional(),
        taskQueuePrefix: z.string().min(1).optional(),
        /** An envconfig profile (TEMPORAL_PROFILE) of `configFile` (TEMPORAL_CONFIG_FILE): TLS, API key, address, namespace. */
        profile: z.string().min(1).optional(),
        configFile: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** The environment to read everything else from (default: process.env); the fields above win over it. */
    env: z.record(z.string(), z.string().optional()).optional(),
    /** Where relative paths resolve and `swarm.config.json` is looked for (default: process.cwd()). */
    cwd: z.string().min(1).optional(),
  })
  .strict();
export type OpenSwarmOptions = z.input<typeof openSwarmOptionsSchema>;

type Env = Record<string, string | undefined>;

/** The options as the environment loadConfig reads, so a swarm opened from code is configured as the CLI's. */
export function optionsAsEnv(options: z.output<typeof openSwarmOptionsSchema>, base: Env): Env {
  const env: Env = { ...base };
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined) env[name] = String(value);
  };
  set('SWARM_HOME', options.home);
  const db = options.database;
  if (db) {
    set('SWARM_DB_MODE', db.mode);
    if (db.mode === 'local') set('SWARM_DB_PATH', db.path);
    else {
      set('TURSO_DATABASE_URL', db.url);
      set('TURSO_AUTH_TOKEN', db.authToken);
      if (db.mode === 'remote') set('SWARM_DB_NAMESPACE', db.namespace);
      else {
        set('SWARM_DB_PATH', db.path);
        set('TURSO_SYNC_INTERVAL', db.syncIntervalSeconds);
      }
    }
  }
  set('TEMPORAL_ADDRESS', options.temporal?.address);
  set('TEMPORAL_NAMESPACE', options.temporal?.namespace);
  set('SWARM_TASK_QUEUE_PREFIX', options.temporal?.taskQueuePrefix);
  set('TEMPORAL_PROFILE', options.temporal?.profile);
  set('TEMPORAL_CONFIG_FILE', options.temporal?.configFile);
  return env;
}
