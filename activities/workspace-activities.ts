import path from 'node:path';
import { Context } from '@temporalio/activity';
import { removeTaskSandbox } from '../process/task-sandbox.js';
import { landOnBase, removeWorktree, syncWithBase } from '../workspace/worktree.js';
import { openWorkspace, loadTask, whileOnRemote, type ActivityDeps } from './deps.js';
import { defineActivity } from './errors.js';
import { landChangesInput, taskRef } from './schemas.js';

export type LandChangesResult =
  | { status: 'merged'; mergeCommit: string | null }
  | { status: 'needs_recheck'; baseSha: string }
  | { status: 'conflict'; files: string[] };

export function createWorkspaceActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    /** Creates the task's worktree on `swarm/<taskId>` from its base branch. */
    prepareWorkspace: defineActivity(taskRef, async ({ taskId }) => {
      await store.tasks.setStatus(taskId, 'preparing');
      const ws = await openWorkspace(deps, taskId);
      await store.branches.upsert({
        repo: ws.task.repo,
        name: ws.task.branch,
        taskId,
        baseBranch: ws.task.baseBranch,
        baseSha: ws.baseSha,
        headSha: ws.headSha,
        status: 'active',
        worktreePath: ws.worktreePath,
      });
      return { branch: ws.task.branch, baseSha: ws.baseSha };
    }),

    /**
     * Lands the task branch on its base. When the base moved since the branch was made, its new
     * commits are merged into the task branch first and `needs_recheck` asks the workflow to run
     * the checks again before landing.
     */
    landChanges: defineActivity(landChangesInput, async ({ taskId, attempt }): Promise<LandChangesResult> => {
      await store.tasks.setStatus(taskId, 'merging', { attempt });
      const ws = await openWorkspace(deps, taskId);
      const { task } = ws;
      const message = `swarm: merge task ${task.id}: ${task.title}\n\nBranch ${task.branch}, attempt ${attempt}.`;
      const landed = await whileOnRemote(task, 'land', () =>
        landOnBase({ repo: task.repo, worktree: ws.worktreePath, baseBranch: task.baseBranch, message }),
      );
      if (landed.status === 'merged') {
        // The merged tree is the tree the last gate checked (the base was merged in first): it is the new baseline.
        const checked = (await store.quality.listForTask(taskId)).filter((s) => s.attempt === attempt).at(-1);
        if (landed.mergeCommit && checked) {
          await store.quality.setBaseline({
            repo: task.repo,
            branch: task.baseBranch,
            commitSha: landed.mergeCommit,
            snapshot: checked.snapshot,
          });
        }
        await store.branches.upsert({
          repo: task.repo,
          name: task.branch,
          taskId,
          baseBranch: task.baseBranch,
          baseSha: ws.baseSha,
          headSha: ws.headSha,
          status: 'merged',
          worktreePath: ws.worktreePath,
          mergeCommit: landed.mergeCommit,
        });
        return landed;
      }
      Context.current().heartbeat({ step: 'sync-with-base' });
      const synced = await whileOnRemote(task, 'sync-with-base', () =>
        syncWithBase(ws.worktreePath, task.repo, task.baseBranch),
      );
      if (synced.status === 'conflict') return synced;
      return { status: 'needs_recheck', baseSha: synced.status === 'updated' ? synced.baseSha : ws.baseSha };
    }),

    /** Removes the worktree; the branch stays, so its commits remain inspectable. */
    cleanupWorkspace: defineActivity(taskRef, async ({ taskId }) => {
      const task = await loadTask(deps, taskId);
      await removeWorktree(task.repo, path.join(deps.worktreesDir, task.id), deps.remotes);
      await removeTaskSandbox(deps.sandbox, task.id);
    }),
  };
}
