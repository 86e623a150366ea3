import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareWorktree, removeWorktree, withDetachedCheckout } from '../../workspace/worktree.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';

const root = tempDir('worktree-race');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('worktree admin operations of one repository, concurrently in one process', () => {
  it('never see each other half done (prune or list racing an add: "could not open .git/worktrees/<id>/locked")', async () => {
    const repo = await createFixtureRepo(path.join(root, 'repo'), nodeProjectFiles());
    const errors: string[] = [];
    // A worker runs several activities at once: prepare, a baseline's detached checkout, cleanup.
    await Promise.all(
      Array.from({ length: 8 }, async (_, task) => {
        for (let round = 0; round < 4; round++) {
          const worktree = path.join(root, 'worktrees', `t${task}r${round}`);
          try {
            await prepareWorktree({
              repo,
              baseBranch: 'main',
              branch: `swarm/t${task}r${round}`,
              worktreePath: worktree,
            });
            await withDetachedCheckout(repo, 'main', path.join(root, 'checkouts'), async () => undefined);
            await removeWorktree(repo, worktree);
          } catch (err) {
            errors.push((err as Error).message.split('\n')[0]!);
          }
        }
      }),
    );
    expect(errors).toEqual([]);
  });
});
