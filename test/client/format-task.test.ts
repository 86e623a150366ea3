import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { formatTask, type ShownTask } from '../../client/format.js';
import { stepProgress } from '../../client/step-progress.js';
import type { Attempt } from '../../db/attempts-repository.js';
import type { QualityComparison } from '../../quality/comparison.js';
import { qualitySummary, regressionCauses } from '../../quality/feedback.js';

const task = {
  id: 'abc123',
  title: 'Add farewell',
  description: 'd',
  priority: 'medium' as const,
  skills: [],
  acceptanceCriteria: [],
  repo: '/repos/app',
  baseBranch: 'main',
  branch: 'swarm/abc123',
  modelType: 'local',
  maxAttempts: 3,
  budget: { maxTokens: 900, maxCostUsd: null },
  workflowId: 'task-abc123',
  status: 'running_agent' as const,
  currentAttempt: 2,
  failureReason: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  planId: null,
  planKey: null,
};

const attempt = (n: number, status: Attempt['status'], summary: string | null): Attempt => ({
  taskId: task.id,
  attempt: n,
  status,
  modelType: 'local',
  agentId: null,
  feedbackArtifactId: null,
  memoryIds: [],
  promptArtifactId: null,
  transcriptArtifactId: null,
  summary,
  filesChanged: [],
  commitSha: null,
  inputTokens: 0,
  outputTokens: 0,
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: null,
});

const regression: QualityComparison = {
  verdict: 'regression',
  hadBaseline: true,
  exitCodeOnly: [],
  flaky: [],
  regressions: [
    {
      rule: 'buildBroken',
      check: 'build',
      severity: 'error',
      message: 'the build fails (exit 1)',
      command: 'npm run build',
      exitCode: 1,
      outputTail: '> build\nsrc/x.ts(3,1): error TS1005: ; expected\nnpm ERR! code 1\n',
    },
    {
      rule: 'newFailingTest',
      check: 'test',
      severity: 'error',
      message: 'new failing test',
      test: {
        file: 'test/f.test.js',
        name: 'farewell > says goodbye',
        location: 'test/f.test.js:4:3',
        message: "expected 'bye' to be 'Goodbye'\n  at …",
      },
    },
    {
      rule: 'newTypeError',
      check: 'typecheck',
      severity: 'error',
      message: 'new type error',
      diagnostic: {
        file: 'src/f.ts',
        line: 7,
        column: 5,
        code: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
      },
    },
  ],
};
const pass: QualityComparison = { verdict: 'pass', hadBaseline: true, exitCodeOnly: [], flaky: [], regressions: [] };

const shown = (over: Partial<ShownTask>): ShownTask => ({
  task,
  attempts: [],
  checks: [],
  gates: [],
  result: null,
  usage: { calls: 2, inputTokens: 10, outputTokens: 5, costUsd: 0 },
  live: null,
  retrying: [],
  progress: [],
  build: null,
  dependencies: [],
  webUrl: 'http://localhost:8233/namespaces/default/workflows/task-abc123',
  ...over,
});

const gate = (attemptNo: number, round: number, c: QualityComparison) => ({
  attempt: attemptNo,
  round,
  summary: qualitySummary(c),
  causes: c.verdict === 'regression' ? regressionCauses(c) : [],
  notes: [],
});

describe('swarm task show (text)', () => {
  it('names the build a running task is pinned to under worker versioning, and nothing without it', () => {
    const build = { deploymentName: 'jetpack-local', buildId: 'wf-0123456789ab', behavior: 'pinned' as const };
    expect(formatTask(shown({ build }))).toContain('  build       wf-0123456789ab of jetpack-local (pinned)');
    expect(formatTask(shown({}))).not.toContain('build  ');
  });

  it('prints the causes of a regression: the failing test and its message, type errors at file:line, the build error', () => {
    const text = formatTask(
      shown({
        attempts: [attempt(1, 'checks_failed', 'applied 1 of 1 file edit(s)')],
        gates: [gate(1, 1, regression)],
      }),
    );
    expect(text).toContain('gate: regression: 1 buildBroken, 1 newFailingTest, 1 newTypeError');
    expect(text).toContain(
      `failing test "farewell > says goodbye" (test/f.test.js:4:3): expected 'bye' to be 'Goodbye'`,
    );
    expect(text).toContain("type error src/f.ts:7:5 TS2322: Type 'string' is not assignable to type 'number'.");
    expect(text).toContain('src/x.ts(3,1): error TS1005: ; expected');
  });

  it('names the re-check of a gate instead of printing "gate: pass" twice', () => {
    const text = formatTask(
      shown({ attempts: [attempt(1, 'checks_passed', 'done')], gates: [gate(1, 1, pass), gate(1, 2, pass)] }),
    );
    expect(text.match(/gate: pass/g)).toHaveLength(1);
    expect(text).toContain('gate (re-check 1): pass');
  });

  it("shows a running attempt's live progress from its heartbeat, not an empty dash", () => {
    const payload = defaultPayloadConverter.toPayload({
      attempt: 2,
      turn: 3,
      toolCalls: 1,
      message: 'write_file',
      pid: 9,
    });
    const progress = stepProgress([
      { activityType: { name: 'runAgentTurn' }, heartbeatDetails: { payloads: [payload] } },
    ]);
    expect(progress).toEqual([{ step: 'runAgentTurn', attempt: 2, turn: 3, action: 'write_file' }]);
    const live = {
      taskId: task.id,
      status: 'running_agent' as const,
      attempt: 2,
      maxAttempts: 3,
      turn: 3,
      modelType: 'local',
      lastFailure: null,
      mergeCommit: null,
      conflictedFiles: [],
      budget: { maxTokens: 900, maxCostUsd: null, usedTokens: 10, usedCostUsd: 0, awaitingApproval: false },
    };
    const text = formatTask(
      shown({ attempts: [attempt(1, 'checks_failed', 'first try'), attempt(2, 'running', null)], live, progress }),
    );
    expect(text).toContain('attempt 2: running — runAgentTurn · turn 3 · write_file');
    expect(text).not.toMatch(/— *$/m);
  });

  it('bounds the causes: at most the given number of lines, each at most 200 characters', () => {
    const many: QualityComparison = {
      ...regression,
      regressions: Array.from({ length: 30 }, (_, i) => ({
        rule: 'newFailingTest' as const,
        check: 'test',
        severity: 'error' as const,
        message: 'new failing test',
        test: { file: null, name: `t${i}`, location: null, message: 'x'.repeat(1_000) },
      })),
    };
    const causes = regressionCauses(many, 5);
    expect(causes).toHaveLength(5);
    expect(causes.at(-1)).toBe('… and 26 more line(s)');
    expect(Math.max(...causes.map((c) => c.length))).toBeLessThanOrEqual(200);
  });
});
