import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../workspace/git.js';
import { agentCli } from '../helpers/agent-clis.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import {
  anthropicServer,
  geminiServer,
  openAiResponsesServer,
  SCRIPTED_USAGE,
  type AgentScript,
  type ProviderServer,
} from '../helpers/provider-servers.js';
import { createTestStack, tempDir, type TestStack } from '../helpers/test-env.js';

/**
 * Whole tasks on the real Claude Code, Codex and Gemini CLI binaries (pinned, from the user cache),
 * each in the bubblewrap sandbox of a real worker on the real Temporal dev server, talking to a local
 * server speaking its provider's wire format.
 */
const script: AgentScript = {
  file: 'notes/hello.txt',
  content: 'hello from the agent\n',
  command: 'cat notes/hello.txt',
  finalText: 'Wrote notes/hello.txt and checked it.',
};
const KEYS = {
  ANTHROPIC_API_KEY: 'sk-ant-api03-e2e-cli-key-0123456789',
  OPENAI_API_KEY: 'sk-proj-e2e-cli-key-0123456789',
  GEMINI_API_KEY: 'AIzaSyE2eCliKey0123456789abcdefghijklm',
};
const PRICING = { inputPerMTok: 2, outputPerMTok: 10 };
const SKILLS = ['javascript'];

let servers: { claude: ProviderServer; codex: ProviderServer; gemini: ProviderServer; refusing: ProviderServer };
let unreachable: string;
let stack: TestStack;

beforeAll(async () => {
  servers = {
    // Slow answers for Claude Code: the SDK sends heartbeats at most every 8 s (80% of the 10 s
    // heartbeat timeout), so the run must outlast one to show its turns on the server.
    claude: await anthropicServer(script, { delayMs: 3_000 }),
    codex: await openAiResponsesServer(script),
    gemini: await geminiServer(script),
    refusing: await anthropicServer(script),
  };
  servers.refusing.rejectAll();
  const closed = await openAiResponsesServer(script);
  unreachable = `${closed.url}/v1`;
  await closed.close();

  const configFile = path.join(tempDir('agent-clis-config'), 'swarm.config.json');
  const cli = { skills: SKILLS, pricing: PRICING };
  writeFileSync(
    configFile,
    JSON.stringify({
      models: {
        claude: { adapter: 'claude-code', command: agentCli('claude-code'), baseUrl: servers.claude.url, ...cli },
        codex: { adapter: 'codex', command: agentCli('codex'), baseUrl: `${servers.codex.url}/v1`, ...cli },
        gemini: { adapter: 'gemini-cli', command: agentCli('gemini-cli'), baseUrl: servers.gemini.url, ...cli },
        refused: { adapter: 'claude-code', command: agentCli('claude-code'), baseUrl: servers.refusing.url, ...cli },
        stalled: {
          adapter: 'codex',
          command: agentCli('codex'),
          baseUrl: unreachable,
          stallTimeoutSeconds: 5,
          ...cli,
        },
      },
      defaultModel: 'claude',
    }),
  );
  stack = await createTestStack({ configFile, env: KEYS });
});
afterAll(async () => {
  await stack?.teardown();
  await Promise.all(Object.values(servers ?? {}).map((s) => s.close()));
});

const newRepo = (name: string) =>
  createFixtureRepo(path.join(tempDir(name), 'repo'), nodeProjectFiles({ 'README.md': '# fixture\n' }));

/** The progress of the running CLI attempt, as the server holds it from the activity's heartbeats. */
async function heartbeatProgress(handle: WorkflowHandle): Promise<{ turn?: number; message?: string }[]> {
  const { raw } = await handle.describe().catch(() => ({ raw: { pendingActivities: [] } }));
  return (raw.pendingActivities ?? []).flatMap((a) =>
    (a.heartbeatDetails?.payloads ?? []).map(
      (p) => defaultPayloadConverter.fromPayload(p) as { turn?: number; message?: string },
    ),
  );
}

async function runTask(modelType: string, options: { maxAttempts?: number; watch?: boolean } = {}) {
  const repo = await newRepo(modelType);
  const worker = await stack.createWorker(modelType);
  const seen: { turn?: number; message?: string }[] = [];
  const task = await worker.runUntil(async () => {
    const task = await stack.client.createTask({
      title: `Write a note with ${modelType}`,
      description: `Write ${script.file} and check it.`,
      repo,
      skills: SKILLS,
      model: modelType,
      maxAttempts: options.maxAttempts ?? 1,
    });
    const handle = stack.testEnv.client.workflow.getHandle(task.workflowId);
    const done = handle.result().catch(() => undefined);
    while (options.watch) {
      seen.push(...(await heartbeatProgress(handle)));
      if (await Promise.race([done.then(() => true), new Promise((r) => setTimeout(() => r(false), 150))])) break;
    }
    await done;
    return task;
  });
  return {
    repo,
    task,
    seen,
    result: await stack.store.results.get(task.id),
    attempts: await stack.store.attempts.listForTask(task.id),
    calls: await stack.store.modelCalls.listForTask(task.id),
  };
}

describe('whole tasks on the real coding-agent CLIs', () => {
  it.each([
    { modelType: 'claude', provider: 'claude-code' },
    { modelType: 'codex', provider: 'codex' },
    { modelType: 'gemini', provider: 'gemini-cli' },
  ])('$provider lands a task: file edit, command, tokens and cost recorded', async ({ modelType, provider }) => {
    const { repo, result, attempts, calls, seen } = await runTask(modelType, { watch: modelType === 'claude' });

    expect(result?.status, result?.failureReason ?? '').toBe('succeeded');
    expect(await git(repo, ['show', `HEAD:${script.file}`])).toBe(script.content.trimEnd());
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.filesChanged).toEqual([script.file]);
    expect(attempts[0]!.summary).toBe(script.finalText);
    const transcript = await stack.store.artifacts.get(attempts[0]!.transcriptArtifactId!);
    expect(transcript).toContain('cat notes/hello.txt');
    expect(transcript).toContain('hello from the agent');
    expect(transcript).not.toContain(Object.values(KEYS).find((key) => transcript!.includes(key)) ?? '\0');

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({ modelType, provider });
    // Three model calls of the script: input with the cached tokens, output with reasoning.
    expect(call!.inputTokens).toBeGreaterThanOrEqual(3 * SCRIPTED_USAGE.input);
    expect(call!.outputTokens).toBeGreaterThanOrEqual(3 * SCRIPTED_USAGE.output);
    if (provider === 'claude-code') {
      // Claude Code reports its cost (total_cost_usd) and the model from its init event.
      expect(call!.costUsd).toBeGreaterThan(0);
      expect(call!.costUsd).not.toBeCloseTo(
        (call!.inputTokens * PRICING.inputPerMTok + call!.outputTokens * PRICING.outputPerMTok) / 1e6,
        6,
      );
      expect(call!.model).not.toBe(modelType);
      // Heartbeats carried the CLI's progress while it ran.
      expect(seen.some((p) => (p.turn ?? 0) >= 1 && /claude-code: turn \d+/.test(p.message ?? ''))).toBe(true);
    } else {
      expect(call!.costUsd).toBeCloseTo(
        (call!.inputTokens * PRICING.inputPerMTok + call!.outputTokens * PRICING.outputPerMTok) / 1e6,
        8,
      );
    }
    if (provider === 'gemini-cli') expect(call!.model).toMatch(/^gemini-/);
    // Each CLI sent its key the way its provider takes it (Codex: CODEX_API_KEY, from OPENAI_API_KEY).
    const server = servers[modelType as 'claude' | 'codex' | 'gemini'];
    const key = { claude: KEYS.ANTHROPIC_API_KEY, codex: `Bearer ${KEYS.OPENAI_API_KEY}`, gemini: KEYS.GEMINI_API_KEY }[
      modelType as 'claude' | 'codex' | 'gemini'
    ];
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    expect(new Set(server.requests.map((r) => r.key))).toEqual(new Set([key]));
  });

  it('fails the task at once, without another attempt, when the provider answers 401', async () => {
    const { result, attempts, calls } = await runTask('refused', { maxAttempts: 3 });
    expect(result?.status).toBe('failed');
    expect(result?.failureReason).toMatch(/claude-code could not authenticate: .*refused its credentials.*HTTP 401/);
    expect(attempts).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expect(servers.refusing.requests.length).toBeLessThanOrEqual(2);
  });

  it('stops a CLI whose provider is unreachable by the stall rule, with the cause stored', async () => {
    const started = Date.now();
    const { result, attempts } = await runTask('stalled');
    expect(result?.status).toBe('failed');
    expect(result?.failureReason).toMatch(
      /codex made no progress for 5 s and was stopped .*last error: Reconnecting\.\.\. .*waiting for network/,
    );
    expect(attempts[0]!.summary).toContain('made no progress for 5 s');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
