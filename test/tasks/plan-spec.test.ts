import { describe, expect, it } from 'vitest';
import { PlanProposalError, proposePlan } from '../../agent/planner.js';
import { createLocalChatModel } from '../../models/local/local-chat-model.js';
import { parsePlanProposal } from '../../tasks/plan-spec.js';
import { findCycle, transitiveDependents } from '../../tasks/task-graph.js';

const planBlock = (plan: unknown) => '```plan\n' + JSON.stringify(plan) + '\n```';
const task = (key: string, dependsOn: string[] = []) => ({ key, title: key, description: key, dependsOn });

describe('task graphs', () => {
  it('finds a cycle as a path back to its start, and none in a diamond', () => {
    expect(
      findCycle([
        { id: 'a', dependsOn: ['b'] },
        { id: 'b', dependsOn: ['a'] },
      ]),
    ).toEqual(['a', 'b', 'a']);
    const diamond = [
      { id: 'a', dependsOn: [] },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: ['a'] },
      { id: 'd', dependsOn: ['b', 'c'] },
    ];
    expect(findCycle(diamond)).toBeNull();
    expect(transitiveDependents(diamond, 'b')).toEqual(['d']);
    expect(transitiveDependents(diamond, 'a')).toEqual(['b', 'c', 'd']);
  });
});

describe('plan proposals', () => {
  it('names the problem: not JSON, schema, duplicate key, unknown dependency, self-dependency', () => {
    expect(parsePlanProposal('no plan here')).toMatchObject({ ok: false, problem: /not valid JSON/ });
    expect(parsePlanProposal('{"tasks": []}')).toMatchObject({ ok: false, problem: /at least one task/ });
    expect(parsePlanProposal(JSON.stringify({ tasks: [task('a'), task('a')] }))).toMatchObject({
      problem: 'the plan is invalid: two tasks have the key "a"',
    });
    expect(parsePlanProposal(JSON.stringify({ tasks: [task('a', ['z'])] }))).toMatchObject({
      problem: 'the plan is invalid: task "a" depends on unknown task(s): z',
    });
    expect(parsePlanProposal(JSON.stringify({ tasks: [task('a', ['a'])] }))).toMatchObject({
      problem: 'the plan is invalid: the dependencies form a cycle: a → a',
    });
  });

  it('retries a malformed plan with the problem as feedback, then accepts the corrected one', async () => {
    const goal = [
      planBlock({ tasks: [task('a', ['ghost'])] }),
      planBlock({ tasks: [task('a'), task('b', ['a'])] }),
    ].join('\n');
    const run = await proposePlan(createLocalChatModel(), goal);
    expect(run.tries).toBe(2);
    expect(run.plan.tasks.map((t) => [t.key, t.dependsOn, t.priority])).toEqual([
      ['a', [], 'medium'],
      ['b', ['a'], 'medium'],
    ]);
  });

  it('gives up after the bounded number of tries, naming the last problem', async () => {
    const goal = planBlock({ tasks: [task('a', ['b']), task('b', ['a'])] });
    const failure = proposePlan(createLocalChatModel(), goal, 2);
    await expect(failure).rejects.toBeInstanceOf(PlanProposalError);
    await expect(failure).rejects.toThrow(
      'no valid plan in 2 tries; last problem: the plan is invalid: the dependencies form a cycle: a → b → a',
    );
  });
});
