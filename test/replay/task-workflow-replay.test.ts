import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import type {} from '../provided-context.js';

const HISTORIES = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));

/**
 * Histories recorded from real runs (`temporal workflow show -o json`). Replaying them against the
 * current workflow code fails on any non-deterministic change: when one fails, version the change
 * with `patched()` rather than re-recording the history.
 */
describe('the workflows replay their recorded histories (task, merge queue, plan)', () => {
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(files).toContain('merge-queue-batches-continue-as-new.json');
  });

  it.each(files)('%s', async (file) => {
    // JSON histories (string event ids) are decoded by the worker itself.
    const history: unknown = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') } },
        history,
        path.basename(file, '.json'),
      ),
    ).resolves.toBeUndefined();
  });
});
