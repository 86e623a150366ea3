import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';
import { DEFAULT_SANDBOX_LIMITS } from '../../process/sandbox.js';

let root: string;
let cwd: string;
let dirs = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'config-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  cwd = path.join(root, `cwd-${++dirs}`);
  await mkdir(cwd);
});

const writeConfig = (content: unknown, file = 'swarm.config.json') =>
  writeFile(path.join(cwd, file), typeof content === 'string' ? content : JSON.stringify(content));

/** The ConfigError loadConfig throws; fails the test when it throws nothing or something else. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', () => {
  it('uses local defaults under <cwd>/.swarm without env or file', () => {
    const config = loadConfig({}, cwd);
    expect(config.home).toBe(path.join(cwd, '.swarm'));
    expect(config.database).toEqual({ mode: 'local', path: path.join(cwd, '.swarm', 'data.db') });
    expect(config.temporal).toMatchObject({
      address: 'localhost:7233',
      namespace: 'default',
      uiUrl: 'http://localhost:8233',
    });
    expect(config.defaultModel).toBe('local');
    expect(Object.keys(config.models)).toEqual(['local']);
    expect(config.models.local?.adapter).toBe('local');
    expect(config.worktreesDir).toBe(path.join(cwd, '.swarm', 'worktrees'));
    expect(config.checks).toEqual({
      timeoutSeconds: 600,
      outputLimitBytes: 64 * 1024,
      dependencyCacheDir: path.join(config.home, 'cache', 'dependencies'),
    });
  });

  it('does not read process.env when given an env object', () => {
    const saved = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = 'elsewhere:1234';
    try {
      expect(loadConfig({}, cwd).temporal.address).toBe('localhost:7233');
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_ADDRESS;
      else process.env.TEMPORAL_ADDRESS = saved;
    }
  });

  it('resolves relative SWARM_HOME and SWARM_DB_PATH against cwd', () => {
    const config = loadConfig({ SWARM_HOME: 'state', SWARM_DB_PATH: 'db/swarm.db' }, cwd);
    expect(config.home).toBe(path.join(cwd, 'state'));
    expect(config.database).toEqual({ mode: 'local', path: path.join(cwd, 'db', 'swarm.db') });
    expect(config.worktreesDir).toBe(path.join(cwd, 'state', 'worktrees'));
  });

  it('selects remote mode when only TURSO_DATABASE_URL is set, with the auth token', () => {
    const config = loadConfig(
      { TURSO_DATABASE_URL: 'libsql://db.example.turso.io', TURSO_AUTH_TOKEN: 'secret-token' },
      cwd,
    );
    expect(config.database).toEqual({ mode: 'remote', url: 'libsql://db.example.turso.io', authToken: 'secret-token' });
  });

  it('selects replica mode with SWARM_DB_MODE=replica and reads TURSO_SYNC_INTERVAL', () => {
    const config = loadConfig(
      {
        SWARM_DB_MODE: 'replica',
        TURSO_DATABASE_URL: 'https://db.example.com',
        TURSO_AUTH_TOKEN: 't',
        TURSO_SYNC_INTERVAL: '2.5',
      },
      cwd,
    );
    expect(config.database).toEqual({
      mode: 'replica',
      path: path.join(cwd, '.swarm', 'data.db'),
      syncUrl: 'https://db.example.com',
      authToken: 't',
      syncIntervalSeconds: 2.5,
    });
  });

  it('defaults the replica sync interval to 5 seconds', () => {
    const config = loadConfig({ SWARM_DB_MODE: 'replica', TURSO_DATABASE_URL: 'libsql://x.example' }, cwd);
    expect(config.database).toMatchObject({ mode: 'replica', syncIntervalSeconds: 5 });
  });

  it('lets SWARM_DB_MODE=local win over a TURSO_DATABASE_URL', () => {
    const config = loadConfig({ SWARM_DB_MODE: 'local', TURSO_DATABASE_URL: 'libsql://x.example' }, cwd);
    expect(config.database.mode).toBe('local');
  });

  it.each(['replica', 'remote'])('rejects %s mode without TURSO_DATABASE_URL', (mode) => {
    const err = configError({ SWARM_DB_MODE: mode });
    expect(err.message).toContain('TURSO_DATABASE_URL');
    expect(err.message).toContain(mode);
  });

  it('rejects an unknown SWARM_DB_MODE, naming the variable and the value', () => {
    const err = configError({ SWARM_DB_MODE: 'cloud' });
    expect(err.message).toContain('SWARM_DB_MODE');
    expect(err.message).toContain('"cloud"');
  });

  it.each(['abc', '0', '-3'])('rejects TURSO_SYNC_INTERVAL=%s in replica mode, naming the variable', (value) => {
    const err = configError({
      SWARM_DB_MODE: 'replica',
      TURSO_DATABASE_URL: 'libsql://x.example',
      TURSO_SYNC_INTERVAL: value,
    });
    expect(err.message).toContain('TURSO_SYNC_INTERVAL');
    expect(err.message).toContain(`"${value}"`);
  });

  it('rejects a TEMPORAL_ADDRESS without a port, naming the field', () => {
    const err = configError({ TEMPORAL_ADDRESS: 'nope' });
    expect(err.message).toContain('temporal.address');
    expect(err.message).toContain('TEMPORAL_ADDRESS');
  });

  it('accepts a host:port TEMPORAL_ADDRESS and namespace from env', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7234', TEMPORAL_NAMESPACE: 'swarm' }, cwd);
    expect(config.temporal).toMatchObject({ address: 'temporal.internal:7234', namespace: 'swarm' });
  });

  it('rejects a database URL with an unsupported scheme, naming the field', () => {
    const err = configError({ TURSO_DATABASE_URL: 'postgres://db.example' });
    expect(err.message).toContain('database.url');
  });

  it('reads models and defaultModel from swarm.config.json, filling model defaults', async () => {
    await writeConfig({
      models: { fast: { adapter: 'local', skills: ['docs'] }, careful: { adapter: 'local', concurrency: 4 } },
      defaultModel: 'careful',
      temporal: { address: 'filehost:7000' },
      checks: { timeoutSeconds: 30, outputLimitBytes: 2048 },
    });
    const config = loadConfig({}, cwd);
    expect(config.models).toEqual({
      fast: {
        adapter: 'local',
        skills: ['docs'],
        concurrency: 2,
        maxTurns: 50,
        timeoutSeconds: 3600,
      },
      careful: {
        adapter: 'local',
        skills: [],
        concurrency: 4,
        maxTurns: 50,
        timeoutSeconds: 3600,
      },
    });
    expect(config.defaultModel).toBe('careful');
    expect(config.temporal.address).toBe('filehost:7000');
    expect(config.checks).toMatchObject({ timeoutSeconds: 30, outputLimitBytes: 2048 });
  });

  it('defaults defaultModel to the first model in the file', async () => {
    await writeConfig({ models: { alpha: { adapter: 'local' }, beta: { adapter: 'local' } } });
    expect(loadConfig({}, cwd).defaultModel).toBe('alpha');
  });

  it('lets env win over the config file', async () => {
    await writeConfig({ temporal: { address: 'filehost:7000' }, database: { mode: 'local', path: 'file.db' } });
    const config = loadConfig({ TEMPORAL_ADDRESS: 'envhost:7001', SWARM_DB_PATH: 'env.db' }, cwd);
    expect(config.temporal.address).toBe('envhost:7001');
    expect(config.database).toEqual({ mode: 'local', path: path.join(cwd, 'env.db') });
  });

  it('reads the file named by SWARM_CONFIG relative to cwd', async () => {
    await mkdir(path.join(cwd, 'conf'));
    await writeConfig({ models: { other: { adapter: 'local' } } }, 'conf/custom.json');
    const config = loadConfig({ SWARM_CONFIG: 'conf/custom.json' }, cwd);
    expect(Object.keys(config.models)).toEqual(['other']);
    expect(config.defaultModel).toBe('other');
  });

  it('rejects SWARM_CONFIG pointing to a missing file, naming the path', () => {
    const err = configError({ SWARM_CONFIG: 'missing.json' });
    expect(err.message).toContain('SWARM_CONFIG');
    expect(err.message).toContain(path.join(cwd, 'missing.json'));
  });

  it('rejects a config file with an unknown key, naming the file and the key', async () => {
    await writeConfig({ models: { local: { adapter: 'local' } }, colour: 'blue' });
    const err = configError({});
    expect(err.message).toContain(path.join(cwd, 'swarm.config.json'));
    expect(err.message).toContain('colour');
  });

  it('rejects a config file with an unknown nested key', async () => {
    await writeConfig({ temporal: { adress: 'typo:7233' } });
    const err = configError({});
    expect(err.message).toContain('swarm.config.json');
    expect(err.message).toContain('adress');
  });

  it('rejects a config file that is not JSON, naming the file', async () => {
    await writeConfig('{ "models": ');
    const err = configError({});
    expect(err.message).toContain(`cannot read config file ${path.join(cwd, 'swarm.config.json')}`);
  });

  it('rejects an invalid model type name in the config file', async () => {
    await writeConfig({ models: { 'Bad Name': { adapter: 'local' } } });
    const err = configError({});
    expect(err.message).toContain('swarm.config.json');
    expect(err.message).toContain('models.Bad Name');
  });

  it('rejects an unknown adapter in the config file', async () => {
    await writeConfig({ models: { remote: { adapter: 'mistral' } } });
    const err = configError({});
    expect(err.message).toContain('models.remote.adapter');
  });

  it('names what an adapter lacks: a model id, a base URL, a command', async () => {
    await writeConfig({
      models: {
        gpt: { adapter: 'openai' },
        ollama: { adapter: 'openai-compatible', model: 'qwen' },
        tool: { adapter: 'command' },
      },
    });
    const message = configError({}).message;
    expect(message).toContain('models.gpt.model: adapter "openai" needs a model id');
    expect(message).toContain('models.ollama.baseUrl: adapter "openai-compatible" needs a baseUrl');
    expect(message).toContain('models.tool.command: adapter "command" needs a command');
  });

  it('accepts the settings each coding-agent CLI supports', async () => {
    await writeConfig({
      models: {
        claude: {
          adapter: 'claude-code',
          baseUrl: 'https://gateway.example.com',
          passEnv: ['CLAUDE_CODE_USE_BEDROCK', 'AWS_REGION', 'AWS_BEARER_TOKEN_BEDROCK', 'ALL_PROXY'],
          allowedTools: ['Bash(npm test:*)', 'Bash(npm run lint:*)'],
          permissionMode: 'acceptEdits',
          extraArgs: ['--fallback-model', 'claude-haiku-4-5'],
          stallTimeoutSeconds: 300,
        },
        codex: { adapter: 'codex', baseUrl: 'https://gateway.example.com/v1', apiKeyEnv: 'TEAM_OPENAI_KEY' },
        gemini: { adapter: 'gemini-cli', passEnv: ['GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT'] },
        tool: { adapter: 'command', command: 'aider --yes', passEnv: ['AIDER_MODEL'] },
      },
      defaultModel: 'claude',
    });
    const { models } = loadConfig({}, cwd);
    expect(models.claude).toMatchObject({
      passEnv: ['CLAUDE_CODE_USE_BEDROCK', 'AWS_REGION', 'AWS_BEARER_TOKEN_BEDROCK', 'ALL_PROXY'],
      allowedTools: ['Bash(npm test:*)', 'Bash(npm run lint:*)'],
      stallTimeoutSeconds: 300,
    });
    expect(models.codex?.baseUrl).toBe('https://gateway.example.com/v1');
  });

  it('refuses CLI settings where they mean nothing, reserved variables and flags the adapter sets', async () => {
    await writeConfig({
      models: {
        codex: { adapter: 'codex', allowedTools: ['Bash'], permissionMode: 'plan' },
        tool: { adapter: 'command', command: 'aider', baseUrl: 'http://localhost:1', extraArgs: ['--yes'] },
        gpt: { adapter: 'openai', model: 'gpt-5', passEnv: ['FOO'], stallTimeoutSeconds: 30 },
        claude: {
          adapter: 'claude-code',
          passEnv: ['TURSO_AUTH_TOKEN', 'SWARM_HOME', 'bad name'],
          idleTimeoutSeconds: 5,
        },
        gemini: { adapter: 'gemini-cli', extraArgs: ['--output-format=json'] },
      },
    });
    const message = configError({}).message;
    expect(message).toContain(
      'models.codex.allowedTools: "allowedTools" means nothing to adapter "codex"; it is a setting of: claude-code',
    );
    expect(message).toContain('models.codex.permissionMode: "permissionMode" means nothing to adapter "codex"');
    expect(message).toContain('models.tool.baseUrl: "baseUrl" means nothing to adapter "command"');
    expect(message).toContain('models.tool.extraArgs: "extraArgs" means nothing to adapter "command"');
    expect(message).toContain('models.gpt.passEnv: "passEnv" means nothing to adapter "openai"');
    expect(message).toContain(
      'models.gpt.stallTimeoutSeconds: "stallTimeoutSeconds" means nothing to adapter "openai"',
    );
    expect(message).toContain(
      'models.claude.idleTimeoutSeconds: "idleTimeoutSeconds" means nothing to adapter "claude-code"',
    );
    expect(message).toContain('models.claude.passEnv.0: "TURSO_AUTH_TOKEN" belongs to the swarm itself');
    expect(message).toContain('models.claude.passEnv.1: "SWARM_HOME" belongs to the swarm itself');
    expect(message).toContain('models.claude.passEnv.2: names an environment variable');
    expect(message).toContain('models.gemini.extraArgs.0: "--output-format=json" is set by the adapter itself');
  });

  it('rejects a fallback to a model type that is not configured, or to itself', async () => {
    await writeConfig({
      models: { local: { adapter: 'local', fallback: { model: 'claude', afterFailedAttempts: 2 } } },
    });
    expect(configError({}).message).toContain(
      'model type "local" falls back to "claude", which is not configured (configured: local)',
    );
    await writeConfig({
      models: { local: { adapter: 'local', fallback: { model: 'local', afterFailedAttempts: 2 } } },
    });
    expect(configError({}).message).toContain('which is itself');
  });

  it('adds a model type per provider API key found in env, and defaults to it; local otherwise', () => {
    expect(Object.keys(loadConfig({}, cwd).models)).toEqual(['local']);
    const withKeys = loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', GEMINI_API_KEY: 'g-test' }, cwd);
    expect(Object.keys(withKeys.models)).toEqual(['claude', 'gemini', 'local']);
    expect(withKeys.models.claude).toMatchObject({ adapter: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(withKeys.defaultModel).toBe('claude');
    expect(JSON.stringify(withKeys)).not.toContain('sk-ant-test');
  });

  it('rejects a defaultModel that is not among the models', async () => {
    await writeConfig({ models: { fast: { adapter: 'local' } }, defaultModel: 'slow' });
    const err = configError({});
    expect(err.message).toContain('"slow"');
    expect(err.message).toContain('fast');
  });

  it('rejects SWARM_DEFAULT_MODEL naming an unconfigured model', () => {
    const err = configError({ SWARM_DEFAULT_MODEL: 'claude' });
    expect(err.message).toContain('default model "claude" is not a configured model type');
  });

  it('rejects a non-positive SWARM_EMBEDDING_DIMENSIONS, naming the variable', () => {
    const err = configError({ SWARM_EMBEDDING_DIMENSIONS: '0' });
    expect(err.message).toContain('SWARM_EMBEDDING_DIMENSIONS');
  });

  it('caps stored output at 256 KiB per text, 1 MiB per JSON row and artifact by default, and reads limits from the file', async () => {
    expect(loadConfig({}, cwd).limits).toEqual({
      textBytes: 256 * 1024,
      jsonBytes: 1024 * 1024,
      artifactBytes: 1024 * 1024,
      toolOutputChars: 64_000,
      fileWriteBytes: 5 * 1024 * 1024,
    });
    await writeConfig({ limits: { textBytes: 65_536, fileWriteBytes: 1_048_576 } });
    expect(loadConfig({}, cwd).limits).toMatchObject({
      textBytes: 65_536,
      jsonBytes: 1024 * 1024,
      fileWriteBytes: 1_048_576,
    });
    await writeConfig({ limits: { textBytes: 10 } });
    expect(configError({}).message).toContain('limits.textBytes');
    await writeConfig({ limits: { outputBytes: 1_000_000 } });
    expect(configError({}).message).toContain('outputBytes');
  });
});

describe('sandbox configuration', () => {
  it('is bubblewrap with the default limits unless configured', () => {
    expect(loadConfig({}, cwd).sandbox).toEqual({ kind: 'bubblewrap', limits: DEFAULT_SANDBOX_LIMITS });
  });

  it('takes a kind from SWARM_SANDBOX or the file, and limits from the file, env winning', async () => {
    await writeConfig({ sandbox: { kind: 'bubblewrap', memoryMb: 2048, cpuSeconds: 600 } });
    expect(loadConfig({}, cwd).sandbox).toEqual({
      kind: 'bubblewrap',
      limits: { ...DEFAULT_SANDBOX_LIMITS, memoryMb: 2048, cpuSeconds: 600 },
    });
    expect(loadConfig({ SWARM_SANDBOX: 'none' }, cwd).sandbox.kind).toBe('none');
    await writeConfig({ sandbox: 'none' });
    expect(loadConfig({}, cwd).sandbox).toEqual({ kind: 'none', limits: DEFAULT_SANDBOX_LIMITS });
  });

  it('rejects an unknown kind, naming where it came from', async () => {
    expect(configError({ SWARM_SANDBOX: 'docker' }).message).toBe(
      'SWARM_SANDBOX must be "bubblewrap" or "none", got "docker"',
    );
    await writeConfig({ sandbox: { kind: 'firejail' } });
    expect(configError({}).message).toContain('sandbox');
  });

  it('rejects a limit out of range or an unknown limit, naming the field', async () => {
    await writeConfig({ sandbox: { memoryMb: 1 } });
    expect(configError({}).message).toContain('sandbox');
    expect(configError({}).message).toContain('memoryMb');
    await writeConfig({ sandbox: { diskGb: 10 } });
    expect(configError({}).message).toContain('diskGb');
  });
});
