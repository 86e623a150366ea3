import { describe, expect, it } from 'vitest';
import { regressionFeedback } from '../../quality/feedback.js';
import { normaliseFailureText } from '../../memory/failure-digest.js';
import {
  digestFeedback,
  learningsFromTask,
  memoryQueryForTask,
  type TaskOutcomeForMemory,
} from '../../memory/index.js';
import { memoryInputSchema } from '../../memory/types.js';

/** Feedback exactly as the quality gate writes it for a failing test and a new type error. */
const FEEDBACK = regressionFeedback({
  verdict: 'regression',
  hadBaseline: true,
  flaky: [],
  regressions: [
    {
      rule: 'newFailingTest',
      check: 'test',
      severity: 'error',
      message: 'farewell says goodbye fails',
      test: {
        file: 'test/farewell.test.js',
        name: 'farewell says goodbye',
        location: 'test/farewell.test.js:2:1',
        message: 'Expected values to be strictly equal:\n+ actual - expected',
      },
    },
    {
      rule: 'newTypeError',
      check: 'typecheck',
      severity: 'error',
      message: 'new type error',
      diagnostic: {
        file: 'src/farewell.ts',
        line: 3,
        column: 5,
        code: 'TS2322',
        message: "Type 'number' is not assignable to type 'string'.",
      },
    },
  ],
});

const task = {
  id: 'task0001',
  title: 'Add a farewell function',
  description: 'Export farewell(name) from src/farewell.js returning "Goodbye, <name>!".\n\nMore details follow.',
  skills: ['javascript', 'tests'],
};

describe('failure digest of check feedback', () => {
  it('names the failed checks, the failing tests and the first error lines', () => {
    const digest = digestFeedback(FEEDBACK);
    expect(digest.checks).toEqual(['tests', 'typecheck']);
    expect(digest.failingTests).toEqual(['farewell says goodbye']);
    expect(digest.errors).toEqual([
      'Expected values to be strictly equal:',
      "src/farewell.ts:3:5 TS2322: Type 'number' is not assignable to type 'string'.",
    ]);
    expect(digest.signature).toContain('failed: tests, typecheck');
    expect(digest.signature).toContain('tests: farewell says goodbye');
  });

  it('recognises the spec, vitest, jest, pytest and go test formats', () => {
    const output = [
      '✖ parses nested arrays (3.1ms)',
      ' FAIL  test/parser.test.ts > parser > handles empty input',
      '  ● Config › rejects a bad port',
      'FAILED tests/test_api.py::test_login - AssertionError: 401',
      '--- FAIL: TestMerge (0.00s)',
    ].join('\n');
    expect(digestFeedback(output).failingTests).toEqual([
      'parses nested arrays',
      'test/parser.test.ts > parser > handles empty input',
      'Config › rejects a bad port',
      'tests/test_api.py::test_login',
      'TestMerge',
    ]);
  });

  it('gives the same signature to the same failure in different worktrees and runs', () => {
    const a = normaliseFailureText('Error at /tmp/wt-1/src/a.js:10:5 after 31ms (commit 3f2a9bc1d)');
    const b = normaliseFailureText('Error at /home/ci/wt-9/src/a.js:12:7 after 7ms (commit 77aa01e2f)');
    expect(a).toBe(b);
    expect(a).toBe('Error at a.js after <time> (commit <hash>)');
  });
});

describe('task memories', () => {
  it('builds the recall query from title, description and skills', () => {
    expect(memoryQueryForTask(task)).toBe(`${task.title}\n\n${task.description}\n\nSkills: javascript, tests`);
    const long = memoryQueryForTask({ ...task, description: 'x'.repeat(50_000) });
    expect(long.length).toBeLessThan(3_200);
  });

  const succeededAfterRetry: TaskOutcomeForMemory = {
    task,
    branch: 'main',
    repo: '/repos/app',
    finalStatus: 'succeeded',
    mergeCommit: '783eaceffd0123',
    attempts: [
      {
        attempt: 2,
        status: 'checks_passed',
        summary: 'Capitalised Goodbye and fixed the return type',
        filesChanged: ['src/farewell.js'],
        commitSha: 'b663af5391',
        feedback: null,
      },
      {
        attempt: 1,
        status: 'checks_failed',
        summary: 'Added farewell()',
        filesChanged: ['src/farewell.js', 'test/farewell.test.js'],
        commitSha: 'e06ca22591',
        feedback: FEEDBACK,
      },
    ],
  };

  it('turns a fixed failure into an error pattern and the landed change into a solution pattern', () => {
    const memories = learningsFromTask(succeededAfterRetry);
    expect(memories.map((m) => m.type)).toEqual(['error_pattern', 'solution_pattern']);
    for (const m of memories) expect(memoryInputSchema.safeParse(m).success).toBe(true);
    for (const m of memories) expect(m).toMatchObject({ branch: 'main', repo: '/repos/app' });

    const [error, solution] = memories;
    expect(error).toMatchObject({
      branch: 'main',
      importance: 0.8,
      tags: ['javascript', 'tests', 'typecheck', 'fixed'],
      provenance: {
        taskId: 'task0001',
        attempt: 1,
        commit: 'e06ca22591',
        filesTouched: ['src/farewell.js', 'test/farewell.test.js'],
      },
    });
    expect(error!.provenance!.failureSignature).toContain('failed: tests, typecheck');
    expect(error!.content).toContain('Task "Add a farewell function"');
    expect(error!.content).toContain('Attempt 1 failed the tests, typecheck check(s) after: Added farewell()');
    expect(error!.content).toContain('Failing tests: farewell says goodbye');
    expect(error!.content).toContain('src/farewell.ts:3:5 TS2322');
    expect(error!.content).toContain(
      'Fixed in attempt 2: Capitalised Goodbye and fixed the return type (files: src/farewell.js)',
    );

    expect(solution).toMatchObject({
      branch: 'main',
      provenance: { taskId: 'task0001', attempt: 2, commit: '783eaceffd0123', filesTouched: ['src/farewell.js'] },
    });
    expect(solution!.content).toContain('Solved in 2 attempt(s) (commit 783eaceffd): Capitalised Goodbye');
    expect(solution!.content).toContain('Files changed: src/farewell.js');
  });

  it('records a task that failed for good as a learning, its failures as unresolved error patterns', () => {
    const memories = learningsFromTask({
      ...succeededAfterRetry,
      finalStatus: 'failed',
      mergeCommit: null,
      attempts: [
        {
          attempt: 1,
          status: 'checks_failed',
          summary: 'Added farewell()',
          filesChanged: ['src/farewell.js'],
          commitSha: 'e06ca22591',
          feedback: FEEDBACK,
        },
        {
          attempt: 2,
          status: 'checks_failed',
          summary: 'Tried again',
          filesChanged: ['src/farewell.js'],
          commitSha: 'f00',
          feedback: FEEDBACK,
        },
      ],
    });
    expect(memories.map((m) => m.type)).toEqual(['error_pattern', 'error_pattern', 'learning']);
    expect(memories[0]!.tags).toContain('unresolved');
    expect(memories[0]!.content).toContain('Next tried in attempt 2: Tried again');
    expect(memories[1]!.content).toContain('Not fixed: no later attempt.');
    expect(memories[2]!.content).toContain('Failed after 2 attempt(s). Tried: (1) Added farewell() (2) Tried again');
    expect(memories[2]!.content).toContain('Still failing: farewell says goodbye');
  });

  it('learns nothing from a task that passed first time except its solution', () => {
    const memories = learningsFromTask({
      task,
      branch: null,
      repo: '/repos/app',
      finalStatus: 'succeeded',
      attempts: [
        { attempt: 1, status: 'checks_passed', summary: 'Done', filesChanged: [], commitSha: null, feedback: null },
      ],
    });
    expect(memories).toHaveLength(1);
    expect(memories[0]).toMatchObject({
      type: 'solution_pattern',
      branch: null,
      repo: '/repos/app',
      provenance: { taskId: 'task0001', attempt: 1 },
    });
  });
});
