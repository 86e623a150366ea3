import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/client.js';
import { migrate } from '../../db/migrations.js';
import { qualityRepository, type QualityRepository } from '../../db/quality-repository.js';
import { compareToBaseline } from '../../quality/compare-to-baseline.js';
import { tempDir } from '../helpers/test-env.js';
import { commandCheck, failure, testCheck } from './snapshots.js';

describe('quality baselines and attempt snapshots in libSQL', () => {
  const dir = tempDir('quality-db');
  let db: Db;
  let quality: QualityRepository;
  const green = { checks: [testCheck([]), commandCheck('build', 'build', true)] };
  const red = {
    checks: [
      testCheck([failure('greet > greets by name', "expected 'Hi' to be 'Hello'")]),
      commandCheck('build', 'build', true),
    ],
  };

  beforeAll(async () => {
    db = await openDatabase({ mode: 'local', path: path.join(dir, 'data.db') });
    await migrate(db, { embeddingDimensions: 8 });
    quality = qualityRepository(db);
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one baseline per repository and branch', async () => {
    await quality.setBaseline({ repo: '/repos/app', branch: 'main', commitSha: 'aaa111', snapshot: green });
    await quality.setBaseline({ repo: '/repos/app', branch: 'release', commitSha: 'bbb222', snapshot: red });
    await quality.setBaseline({ repo: '/repos/lib', branch: 'main', commitSha: 'ccc333', snapshot: red });

    expect(await quality.getBaseline('/repos/app', 'main')).toMatchObject({
      kind: 'baseline',
      commitSha: 'aaa111',
      passed: true,
      snapshot: green,
    });
    expect(await quality.getBaseline('/repos/app', 'release')).toMatchObject({
      commitSha: 'bbb222',
      passed: false,
      snapshot: red,
    });
    expect(await quality.getBaseline('/repos/lib', 'main')).toMatchObject({ commitSha: 'ccc333' });
    expect(await quality.getBaseline('/repos/app', 'develop')).toBeNull();
    expect(await quality.getBaseline('/repos/other', 'main')).toBeNull();
  });

  it('moves the baseline of a branch to a newer commit, and a retried set changes nothing', async () => {
    await quality.setBaseline({ repo: '/repos/app', branch: 'main', commitSha: 'ddd444', snapshot: red });
    const first = await quality.setBaseline({
      repo: '/repos/app',
      branch: 'main',
      commitSha: 'eee555',
      snapshot: green,
    });
    const retried = await quality.setBaseline({
      repo: '/repos/app',
      branch: 'main',
      commitSha: 'eee555',
      snapshot: green,
    });
    expect(retried).toBe(first);
    expect(await quality.getBaseline('/repos/app', 'main')).toMatchObject({
      id: first,
      commitSha: 'eee555',
      snapshot: green,
    });
    expect(await quality.getBaseline('/repos/app', 'release')).toMatchObject({ commitSha: 'bbb222' });
  });

  it("records each attempt's snapshot with its comparison, keyed by task, attempt and round", async () => {
    const failing = compareToBaseline(red, green);
    const passing = compareToBaseline(green, green);
    await quality.recordAttempt({
      taskId: 'task1',
      attempt: 1,
      repo: '/repos/app',
      branch: 'swarm/task1',
      commitSha: 'f01',
      snapshot: red,
      comparison: failing,
    });
    await quality.recordAttempt({
      taskId: 'task1',
      attempt: 1,
      repo: '/repos/app',
      branch: 'swarm/task1',
      commitSha: 'f01',
      snapshot: red,
      comparison: failing,
    });
    await quality.recordAttempt({
      taskId: 'task1',
      attempt: 2,
      repo: '/repos/app',
      branch: 'swarm/task1',
      commitSha: 'f02',
      snapshot: green,
      comparison: passing,
    });
    await quality.recordAttempt({
      taskId: 'task1',
      attempt: 2,
      round: 2,
      repo: '/repos/app',
      branch: 'swarm/task1',
      commitSha: 'f03',
      snapshot: green,
      comparison: passing,
    });

    const first = await quality.getAttempt('task1', 1);
    expect(first).toMatchObject({
      kind: 'attempt',
      taskId: 'task1',
      attempt: 1,
      round: 1,
      branch: 'swarm/task1',
      commitSha: 'f01',
      passed: false,
      snapshot: red,
    });
    expect(first!.comparison!.regressions).toEqual([
      expect.objectContaining({
        rule: 'newFailingTest',
        test: expect.objectContaining({ name: 'greet > greets by name' }),
      }),
    ]);
    expect(await quality.getAttempt('task1', 2, 2)).toMatchObject({ commitSha: 'f03', passed: true });
    expect((await quality.listForTask('task1')).map((s) => [s.attempt, s.round, s.passed])).toEqual([
      [1, 1, false],
      [2, 1, true],
      [2, 2, true],
    ]);
    expect(await quality.getAttempt('task1', 3)).toBeNull();
  });
});
