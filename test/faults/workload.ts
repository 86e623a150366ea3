import path from 'node:path';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, writeBlock } from '../helpers/fixture-repo.js';
import type { Rng } from './rng.js';

/** One task of the workload: its own base branch in one of a few repos, so landings do not contend. */
export interface PlannedTask {
  index: number;
  /** Short name used in file names and step lines: t1, t2, … */
  tag: string;
  phase: string;
  repo: string;
  baseBranch: string;
  steps: number;
  title: string;
  description: string;
}

/**
 * Every command a task runs (check and run steps) exports the run's marker, so anything left of it
 * is found afterwards: `pgrep -f` sees it in the shell's command line, descendants inherit it in
 * their environment. Each command also leaves a background `sleep` in its process group, which the
 * worker must kill when the command ends, or the retry must kill after its worker died.
 */
export const markedCommand = (marker: string, label: string, body: string) =>
  `: ${marker} ${label}; export ${marker}=${label}; (sleep 300 >/dev/null 2>&1 &); ${body}`;

export async function createRepos(dir: string, count: number, marker: string): Promise<string[]> {
  const repos: string[] = [];
  for (let r = 0; r < count; r++) {
    repos.push(
      await createFixtureRepo(path.join(dir, `repo-${r}`), {
        'package.json':
          JSON.stringify(
            { name: `fault-repo-${r}`, private: true, type: 'module', scripts: { test: 'node --test' } },
            null,
            2,
          ) + '\n',
        '.swarm.json':
          JSON.stringify({ checks: { test: markedCommand(marker, 'check', 'node --test') } }, null, 2) + '\n',
        'src/sum.js': 'export const sum = (a, b) => a + b;\n',
        'test/sum.test.js':
          "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from '../src/sum.js';\n" +
          "test('sum adds', () => assert.equal(sum(2, 3), 5));\n",
      }),
    );
  }
  return repos;
}

/** The line a task's run step `step` appends to its progress file; in the merged tree each must appear exactly once. */
export const stepLine = (tag: string, step: number) => `${tag} step ${step}`;
export const progressFile = (tag: string) => `progress/${tag}.log`;

export async function planTask(options: {
  index: number;
  phase: string;
  repo: string;
  marker: string;
  steps: number;
  rng: Rng;
}): Promise<PlannedTask> {
  const { index, phase, repo, marker, steps, rng } = options;
  const tag = `t${index}`;
  const baseBranch = `base-${tag}`;
  await git(repo, ['branch', baseBranch, 'main']);
  const blocks: string[] = [];
  for (let step = 1; step <= steps; step++) {
    const sleep = rng.between(1, 2.5).toFixed(1);
    const body = `mkdir -p progress && echo '${stepLine(tag, step)}' >> ${progressFile(tag)} && sleep ${sleep}`;
    blocks.push('```run\n' + markedCommand(marker, `${tag}-step-${step}`, body) + '\n```');
  }
  blocks.push(writeBlock(`src/${tag}.js`, `export const ${tag} = () => ${index};`));
  blocks.push(
    writeBlock(
      `test/${tag}.test.js`,
      [
        "import test from 'node:test';",
        "import assert from 'node:assert/strict';",
        `import { ${tag} } from '../src/${tag}.js';`,
        `test('${tag} returns ${index}', () => assert.equal(${tag}(), ${index}));`,
      ].join('\n'),
    ),
  );
  return {
    index,
    tag,
    phase,
    repo,
    baseBranch,
    steps,
    title: `fault suite ${tag} (${phase})`,
    description: `Append ${steps} numbered progress lines, then add ${tag}.\n\n${blocks.join('\n\n')}\n`,
  };
}
