import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { PROJECT_ROOT } from '../../config/project-root.js';
import { buildIdForBundle, deploymentNameForModel, workerVersionFor } from '../../workers/worker-deployment.js';

describe('worker deployment versions', () => {
  it('names one deployment per model type after the task queue prefix', () => {
    expect(deploymentNameForModel('jetpack', 'claude')).toBe('jetpack-claude');
  });

  it('derives the build id from the workflow code, the same wherever the checkout lies', () => {
    const bundle = (root: string, body: string) => `/* ${root}/workflows/index.ts */ ${body}`;
    const here = buildIdForBundle(bundle(PROJECT_ROOT, 'export const a = 1;'));
    expect(here).toMatch(/^wf-[0-9a-f]{12}$/);
    expect(buildIdForBundle(bundle(PROJECT_ROOT, 'export const a = 2;'))).not.toBe(here);
    expect(buildIdForBundle(bundle(PROJECT_ROOT, 'export const a = 1;'))).toBe(here);
  });

  it('gives a versioned worker the configured build id, or the bundle hash; none when versioning is off', async () => {
    const bundle = { code: 'export const a = 1;' };
    const cwd = mkdtempSync(path.join(tmpdir(), 'deployment-'));
    onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
    const off = loadConfig({}, cwd);
    expect(await workerVersionFor(off, 'local', bundle)).toBeNull();
    const on = loadConfig({ SWARM_WORKER_VERSIONING: 'true' }, cwd);
    expect(await workerVersionFor(on, 'local', bundle)).toEqual({
      deploymentName: 'jetpack-local',
      buildId: buildIdForBundle(bundle.code),
    });
    const pinned = loadConfig({ SWARM_WORKER_VERSIONING: 'true', SWARM_BUILD_ID: 'release-7' }, cwd);
    expect((await workerVersionFor(pinned, 'local', bundle))?.buildId).toBe('release-7');
  });
});
