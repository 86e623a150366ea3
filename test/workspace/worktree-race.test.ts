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
    // A worker runs several activities at once: baselines' detached checkouts, task worktrees prepared and cleaned up.
    // Without the lock about half of the runs of 5 rounds failed here, so 12 rounds nearly always do.
    await Promise.all(
      Array.from({ length: 12 }, async (_, worker) => {
        for (let round = 0; round < 12; round++) {
          try {
            if (worker % 2 === 0) {
              await withDetachedCheckout(repo, 'main', path.join(root, 'checkouts'), async () => undefined);
            } else {
              const worktree = path.join(root, 'worktrees', `w${worker}r${round}`);
              await prepareWorktree({
                repo,
                baseBranch: 'main',
                branch: `swarm/w${worker}r${round}`,
                worktreePath: worktree,
              });
              await removeWorktree(repo, worktree);
            }
          } catch (err) {
            errors.push((err as Error).message.split('\n')[0]!);
          }
        }
      }),
    );
    expect(errors).toEqual([]);
  });
});
