import { z } from 'zod';
import { MAX_TIMER_SECONDS } from './bounds.js';

export const modelTypeName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,31}$/,
    'model type names are lowercase letters, digits and dashes (e.g. "local", "claude")',
  );

/** Adapters whose attempts run as the durable agent loop (one activity per turn). */
export const LOOP_ADAPTERS = ['local', 'anthropic', 'openai', 'google', 'openai-compatible'] as const;
/** Coding-agent CLIs: they run their own loop, so an attempt is one activity. */
export const CLI_ADAPTERS = ['claude-code', 'codex', 'gemini-cli', 'command'] as const;
export const MODEL_ADAPTERS = [...LOOP_ADAPTERS, ...CLI_ADAPTERS] as const;
export type ModelAdapterKind = (typeof MODEL_ADAPTERS)[number];

/** Where each adapter finds its API key unless `apiKeyEnv` says otherwise; keys are only ever read from env. */
export const DEFAULT_API_KEY_ENV: Partial<Record<ModelAdapterKind, string>> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  google: 'GEMINI_API_KEY',
  'claude-code': 'ANTHROPIC_API_KEY',
  codex: 'OPENAI_API_KEY',
  'gemini-cli': 'GEMINI_API_KEY',
};

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'names an environment variable, e.g. "CLAUDE_CODE_OAUTH_TOKEN"');

/**
 * Variables a CLI must never get, whatever the config says: the swarm's own database and service
 * credentials and the variables that steer its workers.
 */
const RESERVED_ENV = /^(SWARM_|TURSO_|LIBSQL_|TEMPORAL_|DATABASE_URL$|NODE_OPTIONS$|LD_PRELOAD$|LD_LIBRARY_PATH$)/;

/** Which adapters each adapter-specific setting means something to; any other adapter refuses it. */
const SETTING_ADAPTERS = {
  baseUrl: ['anthropic', 'openai', 'google', 'openai-compatible', 'claude-code', 'codex', 'gemini-cli'],
  passEnv: ['claude-code', 'codex', 'gemini-cli', 'command'],
  allowedTools: ['claude-code'],
  permissionMode: ['claude-code'],
  extraArgs: ['claude-code', 'codex', 'gemini-cli'],
  stallTimeoutSeconds: ['claude-code', 'codex', 'gemini-cli'],
  idleTimeoutSeconds: ['anthropic', 'openai', 'google', 'openai-compatible'],
} as const satisfies Record<string, readonly string[]>;

/** Flags the adapters set themselves: an extraArgs repeating one would contradict them. */
const ADAPTER_FLAGS = ['-p', '--print', '--output-format', '--json', '--prompt'];

const pricingSchema = z
  .object({ inputPerMTok: z.number().min(0), outputPerMTok: z.number().min(0) })
  .strict()
  .describe('USD per million tokens');

export const modelSchema = z
  .object({
    adapter: z.enum(MODEL_ADAPTERS),
    /** The provider's model id, e.g. "claude-sonnet-4-5". */
    model: z.string().min(1).optional(),
    baseUrl: z.string().url().optional(),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'apiKeyEnv names an environment variable, e.g. "OPENROUTER_API_KEY"')
      .optional(),
    /** The CLI binary (claude-code, codex, gemini-cli) or the whole command line (command). */
    command: z.string().min(1).optional(),
    /** CLI adapters: further variables handed to the CLI, and only to it (Bedrock/Vertex settings, OAuth tokens, proxies). */
    passEnv: z.array(envName).max(64).optional(),
    /** claude-code: --allowedTools, the tools and commands it may use, e.g. ["Bash(npm test:*)"]. */
    allowedTools: z.array(z.string().min(1).max(200)).max(100).optional(),
    /** claude-code: --permission-mode. */
    permissionMode: z.enum(['default', 'acceptEdits', 'bypassPermissions', 'plan']).optional(),
    /** claude-code, codex, gemini-cli: appended to the arguments the adapter builds. */
    extraArgs: z.array(z.string().max(1_000)).max(64).optional(),
    /** CLI adapters: a run with no turn, tool call or token report for this long is stopped (the stall rule). */
    stallTimeoutSeconds: z
      .number()
      .int()
      .positive()
      .max(MAX_TIMER_SECONDS, `stallTimeoutSeconds is limited to ${MAX_TIMER_SECONDS}`)
      .optional(),
    skills: z.array(z.string().min(1)).default([]),
    concurrency: z.number().int().min(1).max(64).default(2),
    /**
     * Tasks of this model type in flight at once, across all workers; the others wait queued in
     * priority order, without a worktree, until one finishes. Unset: every task starts at once.
     */
    maxTasksInFlight: z.number().int().min(1).max(10_000).optional(),
    /** Temporal task-queue rate limit for this model type's activities, across all its workers. */
    maxRequestsPerSecond: z.number().positive().optional(),
    maxTurns: z.number().int().min(1).max(1_000).default(50),
    timeoutSeconds: z
      .number()
      .int()
      .positive()
      .max(MAX_TIMER_SECONDS, `timeoutSeconds is limited to ${MAX_TIMER_SECONDS}`)
      .default(3_600),
    /** API adapters: a model stream that sends nothing for this long is stopped, and the call retried as transient (default 120). */
    idleTimeoutSeconds: z
      .number()
      .int()
      .positive()
      .max(MAX_TIMER_SECONDS, `idleTimeoutSeconds is limited to ${MAX_TIMER_SECONDS}`)
      .optional(),
    pricing: pricingSchema.optional(),
    fallback: z
      .object({ model: modelTypeName, afterFailedAttempts: z.number().int().min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const needsModel =
      m.adapter === 'anthropic' ||
      m.adapter === 'openai' ||
      m.adapter === 'google' ||
      m.adapter === 'openai-compatible';
    if (needsModel && !m.model)
      ctx.addIssue({ code: 'custom', path: ['model'], message: `adapter "${m.adapter}" needs a model id` });
    if (m.adapter === 'openai-compatible' && !m.baseUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseUrl'],
        message: 'adapter "openai-compatible" needs a baseUrl, e.g. http://localhost:11434/v1',
      });
    }
    if (m.adapter === 'command' && !m.command)
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'adapter "command" needs a command' });
    for (const [setting, adapters] of Object.entries(SETTING_ADAPTERS)) {
      if (m[setting as keyof typeof m] === undefined || (adapters as readonly string[]).includes(m.adapter)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [setting],
        message: `"${setting}" means nothing to adapter "${m.adapter}"; it is a setting of: ${adapters.join(', ')}`,
      });
    }
    for (const [index, name] of (m.passEnv ?? []).entries()) {
      if (RESERVED_ENV.test(name))
        ctx.addIssue({
          code: 'custom',
          path: ['passEnv', index],
          message: `"${name}" belongs to the swarm itself (its database, Temporal or worker settings) and is never passed to an agent`,
        });
    }
    for (const [index, arg] of (m.extraArgs ?? []).entries()) {
      if (ADAPTER_FLAGS.includes(arg.split('=')[0]!))
        ctx.addIssue({
          code: 'custom',
          path: ['extraArgs', index],
          message: `"${arg}" is set by the adapter itself (prompt and event stream); remove it`,
        });
    }
  });
export type ModelConfig = z.infer<typeof modelSchema>;

/** Estimated list prices (USD per million tokens) for known model ids; configure `pricing` for others. */
const KNOWN_PRICES: Record<string, z.infer<typeof pricingSchema>> = {
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'gemini-2.5-pro': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gemini-2.5-flash': { inputPerMTok: 0.3, outputPerMTok: 2.5 },
};

export function pricingOf(model: ModelConfig): z.infer<typeof pricingSchema> {
  return (
    model.pricing ?? (model.model ? KNOWN_PRICES[model.model] : undefined) ?? { inputPerMTok: 0, outputPerMTok: 0 }
  );
}

export const LOCAL_MODEL: ModelConfig = modelSchema.parse({
  adapter: 'local',
  skills: ['general', 'typescript', 'javascript', 'docs', 'tests'],
});

/**
 * The model types when no config file names any: `local` always, plus one type per provider whose
 * API key is in the environment (claude, gpt, gemini). Skills are broad; narrow them in the file.
 */
export function defaultModels(env: Record<string, string | undefined>): Record<string, ModelConfig> {
  const models: Record<string, ModelConfig> = {};
  const skills = ['general', 'typescript', 'javascript', 'python', 'go', 'docs', 'tests'];
  if (env.ANTHROPIC_API_KEY)
    models.claude = modelSchema.parse({ adapter: 'anthropic', model: 'claude-sonnet-4-5', skills });
  if (env.OPENAI_API_KEY) models.gpt = modelSchema.parse({ adapter: 'openai', model: 'gpt-5', skills });
  if (env.GEMINI_API_KEY) models.gemini = modelSchema.parse({ adapter: 'google', model: 'gemini-2.5-pro', skills });
  models.local = LOCAL_MODEL;
  return models;
}
