import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectBaseline, readQualityGate } from '../../quality/baseline.js';
import { runQualityGate } from '../../quality/run-gate.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { isRunning } from '../helpers/processes.js';
import { tempDir } from '../helpers/test-env.js';
import { memoryGateContext } from './memory-gate-context.js';

const limits = { timeoutMs: 30_000, outputLimitBytes: 64 * 1024 };
const swarmChecks = (checks: Record<string, string>) => JSON.stringify({ checks });

/** A repository with one dependency that `npm install` links from inside it (no registry needed). */
const withLocalDependency = (checks: Record<string, string>) => ({
  'package.json': JSON.stringify({ name: 'gate-fixture', private: true, dependencies: { answer: 'file:./answer' } }),
  'answer/package.json': JSON.stringify({ name: 'answer', version: '1.0.0', main: 'index.js' }),
  'answer/index.js': 'module.exports = 42;\n',
  '.swarm.json': swarmChecks(checks),
});

describe('the quality gate with its context port', () => {
  const root = tempDir('run-gate');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('installs the dependencies, then runs and stores each check as it finishes, announcing every command', async () => {
    const worktree = await createFixtureRepo(
      path.join(root, 'installs'),
      withLocalDependency({
        'uses-dependency': `node -e "console.log('answer is', require('answer'))"`,
        lint: 'echo 2 problems; exit 3',
      }),
    );
    const context = memoryGateContext();
    const outcome = await runQualityGate(
      { worktree, gate: readQualityGate(worktree), baseline: null, ...limits },
      context,
    );

    expect(context.started.map((s) => s.step)).toEqual(['install', 'uses-dependency', 'lint']);
    expect(new Set(context.started.map((s) => s.pid)).size).toBe(3);
    expect(context.recorded).toEqual(['uses-dependency', 'lint']);
    expect(context.runs.get('uses-dependency')).toMatchObject({
      command: "node -e \"console.log('answer is', require('answer'))\"",
      exitCode: 0,
      passed: true,
      output: 'answer is 42\n',
    });
    expect(context.runs.get('lint')).toMatchObject({
      exitCode: 3,
      passed: false,
      timedOut: false,
      result: { name: 'lint', passed: false, outputTail: '2 problems' },
    });
    expect(outcome).toMatchObject({ passed: false, summary: 'regression: 1 checkBroken', failedChecks: ['lint'] });
    expect(outcome.snapshot.checks.map((c) => c.name)).toEqual(['uses-dependency', 'lint']);
    expect(outcome.feedback).toContain('check "lint" fails: `echo 2 problems; exit 3` exited with 3');
    expect(outcome.feedback).toContain('(The base branch has no quality baseline yet, so every failure counts.)');
  });

  it('resumed after a crash, runs only the checks whose runs were not stored', async () => {
    const log = path.join(root, 'resume.log');
    const started = path.join(root, 'slow.started');
    const worktree = await createFixtureRepo(path.join(root, 'resume'), {
      '.swarm.json': swarmChecks({
        fast: `echo fast >> ${log}`,
        // Hangs the first time (its "worker" dies there); passes when run again.
        slow: `if [ -f ${started} ]; then echo slow >> ${log}; exit 0; fi; touch ${started}; exec sleep 300`,
      }),
    });
    const options = { worktree, gate: readQualityGate(worktree), baseline: null, ...limits };

    const first = memoryGateContext();
    const crashed = runQualityGate(options, first);
    await expect.poll(() => existsSync(started), { timeout: 20_000, interval: 100 }).toBe(true);
    first.controller.abort(new Error('worker lost'));
    await expect(crashed).rejects.toThrow('worker lost');
    expect(first.recorded).toEqual(['fast']);
    const slowPid = first.started.find((s) => s.step === 'slow')!.pid;
    await expect.poll(() => isRunning(slowPid), { timeout: 10_000 }).toBe(false);

    const resumed = memoryGateContext({ runs: first.runs });
    const outcome = await runQualityGate(options, resumed);
    expect(resumed.started.map((s) => s.step)).toEqual(['slow']);
    expect(resumed.recorded).toEqual(['slow']);
    expect(readFileSync(log, 'utf8')).toBe('fast\nslow\n');
    expect(outcome.snapshot.checks).toEqual([first.runs.get('fast')!.result, resumed.runs.get('slow')!.result]);
    expect(outcome).toMatchObject({ passed: true, feedback: null, failedChecks: [], summary: 'pass' });
  });

  it('runs a check again whose stored result is not a check result', async () => {
    const log = path.join(root, 'unreadable.log');
    const worktree = await createFixtureRepo(path.join(root, 'unreadable'), {
      '.swarm.json': swarmChecks({ build: `echo built >> ${log}` }),
    });
    const context = memoryGateContext({ runs: new Map([['build', { name: 'build', result: { passed: true } }]]) });
    const outcome = await runQualityGate(
      { worktree, gate: readQualityGate(worktree), baseline: null, ...limits },
      context,
    );
    expect(readFileSync(log, 'utf8')).toBe('built\n');
    expect(context.recorded).toEqual(['build']);
    expect(outcome.snapshot.checks[0]).toMatchObject({ name: 'build', passed: true, exitCode: 0 });
  });
});

describe('the baseline side of the gate', () => {
  const root = tempDir('collect-baseline');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('installs the dependencies and runs every check, storing nothing per check', async () => {
    const dir = await createFixtureRepo(
      path.join(root, 'base'),
      withLocalDependency({ 'uses-dependency': `node -e "process.exit(require('answer') === 42 ? 0 : 1)"` }),
    );
    const steps: string[] = [];
    const snapshot = await collectBaseline(
      { worktree: dir, gate: readQualityGate(dir), ...limits },
      { onCommandStart: (step) => steps.push(step) },
    );
    expect(steps).toEqual(['install', 'uses-dependency']);
    expect(snapshot.checks).toEqual([expect.objectContaining({ name: 'uses-dependency', passed: true, error: null })]);
  });

  it('throws the cancellation instead of returning the results of a cancelled collection', async () => {
    const dir = await createFixtureRepo(path.join(root, 'cancelled'), {
      '.swarm.json': swarmChecks({ first: 'true', second: 'sleep 300' }),
    });
    const controller = new AbortController();
    const steps: string[] = [];
    const onCommandStart = (step: string) => {
      steps.push(step);
      if (step === 'second') controller.abort(new Error('cancelled by the workflow'));
    };
    await expect(
      collectBaseline(
        { worktree: dir, gate: readQualityGate(dir), ...limits },
        { signal: controller.signal, onCommandStart },
      ),
    ).rejects.toThrow('cancelled by the workflow');
    expect(steps).toEqual(['first', 'second']);
  });
});
