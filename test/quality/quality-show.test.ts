import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showQuality } from '../../client/quality-commands.js';
import { openDatabase } from '../../db/client.js';
import { createStore, type Store } from '../../db/index.js';
import { migrate } from '../../db/migrations.js';
import { compareToBaseline } from '../../quality/compare-to-baseline.js';
import { tempDir } from '../helpers/test-env.js';
import { commandCheck, failure, testCheck } from './snapshots.js';

describe('quality show --task', () => {
  const dir = tempDir('quality-show');
  let store: Store;
  const green = { checks: [testCheck([]), commandCheck('build', 'build', true)] };
  const red = { checks: [testCheck([failure('greet > greets', 'expected Hi')]), commandCheck('build', 'build', true)] };

  beforeAll(async () => {
    const db = await openDatabase({ mode: 'local', path: path.join(dir, 'data.db') });
    await migrate(db, { embeddingDimensions: 8 });
    store = createStore(db);
  });
  afterAll(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the baseline the task was judged against, not the branch baseline after later merges', async () => {
    await store.tasks.insert({
      id: 'qtask1',
      title: 't',
      description: 'd',
      priority: 'medium',
      skills: [],
      acceptanceCriteria: [],
      repo: '/repos/app',
      baseBranch: 'main',
      branch: 'swarm/qtask1',
      modelType: 'local',
      maxAttempts: 1,
      workflowId: 'task-qtask1',
      budget: { maxTokens: null, maxCostUsd: null },
    });
    const judged = await store.quality.setBaseline({
      repo: '/repos/app',
      branch: 'main',
      commitSha: 'a1',
      snapshot: red,
    });
    await store.quality.recordAttempt({
      taskId: 'qtask1',
      attempt: 1,
      repo: '/repos/app',
      branch: 'swarm/qtask1',
      commitSha: 'b1',
      snapshot: green,
      comparison: compareToBaseline(green, red),
      baselineId: judged,
    });
    // Another task lands later: the branch's baseline moves on.
    await store.quality.setBaseline({ repo: '/repos/app', branch: 'main', commitSha: 'c1', snapshot: green });

    const shown = await showQuality(store, { task: 'qtask1', repo: '.' });
    expect(shown.baseline).toMatchObject({ id: judged, commitSha: 'a1' });
    expect(shown.snapshot).toMatchObject({ attempt: 1, baselineId: judged });
  });
});
