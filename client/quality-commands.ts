import { randomBytes } from 'node:crypto';
import type { SwarmConfig } from '../config/config.js';
import type { Store } from '../db/index.js';
import type { StoredSnapshot } from '../db/quality-repository.js';
import { collectSnapshot, readQualityGate } from '../quality/baseline.js';
import { gateNotes, qualitySummary, regressionFeedback } from '../quality/feedback.js';
import type { CheckResult } from '../quality/snapshot.js';
import { gitToken } from '../config/git-token.js';
import { isRemoteRepo, repoLocationProblem } from '../tasks/repo-location.js';
import { remoteAccess } from '../workspace/remote-access.js';
import { withDetachedCheckout } from '../workspace/worktree.js';
import { resolveRepoTarget } from '../workspace/repo-target.js';
import { rejectAsInput, resolveSubmittedRepo } from './task-submission.js';
import { removeTaskSandbox, taskSandbox } from '../process/task-sandbox.js';
import { workerSandbox } from '../workers/worker-sandbox.js';
import { TaskInputError } from './task-input-error.js';
import { safeForTerminal } from './terminal-text.js';

/** The repo and branch a quality command names, checked (git only): the commands run it before opening the database. */
export async function repoAndBranch(
  repoPath: string,
  branch: string | undefined,
  config?: SwarmConfig,
  env: Record<string, string | undefined> = process.env,
) {
  const problem = repoLocationProblem(repoPath);
  if (problem) throw new TaskInputError(`--repo: ${problem}`);
  if (!config && isRemoteRepo(repoPath)) throw new TaskInputError('--repo: a remote URL needs the swarm configuration');
  const target = config
    ? await resolveSubmittedRepo(config, repoPath, branch, env)
    : await rejectAsInput(() => resolveRepoTarget(repoPath, branch, remoteAccess('', {})));
  return { repo: target.repo, branch: target.baseBranch, sha: target.baseSha };
}

/**
 * Collects the quality baseline of a branch's head in a temporary checkout and stores it. The
 * repository's checks are untrusted code: they run in the same sandbox a worker would use.
 */
export async function setBaseline(
  config: SwarmConfig,
  store: Store,
  opts: { repo: string; branch?: string },
  env: Record<string, string | undefined>,
): Promise<StoredSnapshot> {
  const { repo, branch, sha } = await repoAndBranch(opts.repo, opts.branch, config, env);
  const settings = await workerSandbox(config, env);
  const key = `baseline-${randomBytes(6).toString('hex')}`;
  try {
    await withDetachedCheckout(
      repo,
      sha,
      config.worktreesDir,
      async (dir) => {
        const hide = isRemoteRepo(repo) ? {} : { repo };
        const confined = (network: boolean) => taskSandbox(settings, { key, worktree: dir, ...hide, network });
        const snapshot = await collectSnapshot(readQualityGate(dir), {
          worktree: dir,
          timeoutMs: config.checks.timeoutSeconds * 1000,
          outputLimitBytes: config.checks.outputLimitBytes,
          sandbox: await confined(false),
          installSandbox: await confined(true),
          dependencyCacheDir: config.checks.dependencyCacheDir,
        });
        await store.quality.setBaseline({ repo, branch, commitSha: sha, snapshot });
      },
      isRemoteRepo(repo) ? remoteAccess(config.git.mirrorsDir, env, gitToken(config, env)) : undefined,
    );
  } finally {
    await removeTaskSandbox(settings, key);
  }
  return (await store.quality.getBaseline(repo, branch))!;
}

/** A task's latest gate result, or a branch's baseline. */
export async function showQuality(
  store: Store,
  opts: { task?: string; repo: string; branch?: string },
  config?: SwarmConfig,
  env: Record<string, string | undefined> = process.env,
) {
  if (opts.task) {
    const task = await store.tasks.get(opts.task);
    if (!task) throw new TaskInputError(`no task with id "${opts.task}"`);
    const latest = (await store.quality.listForTask(task.id)).at(-1) ?? null;
    // The baseline the gate judged the task against, not the branch's baseline now (it moves with every merge).
    const judgedAgainst = latest?.baselineId ? await store.quality.getSnapshot(latest.baselineId) : null;
    return {
      task: task.id,
      snapshot: latest,
      baseline: judgedAgainst ?? (await store.quality.getBaseline(task.repo, task.baseBranch)),
    };
  }
  const { repo, branch } = await repoAndBranch(opts.repo, opts.branch, config, env);
  return { task: null, snapshot: null, baseline: await store.quality.getBaseline(repo, branch) };
}

function describeCheck(c: CheckResult): string {
  const parts = [
    `${c.passed ? 'pass' : 'FAIL'} ${safeForTerminal(c.name)} (${c.kind}, ${c.format}) in ${c.durationMs} ms`,
  ];
  if (c.tests) parts.push(`tests ${c.tests.passed} passed / ${c.tests.failed} failed / ${c.tests.skipped} skipped`);
  if (c.typecheck) parts.push(`${c.typecheck.errors} type error(s)`);
  if (c.lint) parts.push(`lint ${c.lint.errors} error(s), ${c.lint.warnings} warning(s)`);
  if (c.coverage) parts.push(`coverage ${c.coverage.lines}% lines`);
  for (const miss of c.thresholdMisses)
    parts.push(`${miss.measure} coverage ${miss.actual}% below the threshold of ${miss.required}%`);
  if (!c.tests && c.outputCounts)
    parts.push(`output shows ${c.outputCounts.passed} passing / ${c.outputCounts.failed} failing tests`);
  if (c.format === 'exit-code' && !c.outputCounts && c.error === null) parts.push('judged by exit code only');
  if (c.error) parts.push(safeForTerminal(c.error));
  return '  ' + parts.join('; ');
}

export function formatSnapshot(title: string, stored: StoredSnapshot | null): string {
  if (!stored) return `${title}: none`;
  const lines = [
    `${title}: ${safeForTerminal(stored.branch)}${stored.commitSha ? ` @ ${stored.commitSha.slice(0, 10)}` : ''} (${stored.createdAt})`,
  ];
  lines.push(...stored.snapshot.checks.map(describeCheck));
  if (stored.snapshot.checks.length === 0)
    lines.push('  no checks found (add scripts to package.json or checks to .swarm.json)');
  if (stored.comparison) {
    lines.push(`  gate: ${qualitySummary(stored.comparison)}`);
    for (const note of gateNotes(stored.comparison)) lines.push(`  note: ${safeForTerminal(note)}`);
    if (stored.comparison.verdict === 'regression')
      lines.push(regressionFeedback(stored.comparison).replace(/^/gm, '    '));
  }
  return lines.join('\n');
}
