import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareToBaseline } from '../../quality/compare-to-baseline.js';
import { regressionFeedback } from '../../quality/feedback.js';
import { resolvePolicy } from '../../quality/policy.js';
import { changedFiles } from '../../workspace/changed-files.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { tempDir } from '../helpers/test-env.js';

const empty = { checks: [] };

describe('the gate refuses large and binary files (attack 7)', () => {
  it('reads what a change adds or modifies from git, with sizes and binary flags', async () => {
    const repo = await createFixtureRepo(path.join(tempDir('file-rules'), 'repo'), {
      'keep.txt': 'a\n',
      'gone.txt': 'b\n',
      'odd name*.txt': 'c\n',
    });
    const base = await git(repo, ['rev-parse', 'HEAD']);
    writeFileSync(path.join(repo, 'keep.txt'), 'a\nb\n');
    writeFileSync(path.join(repo, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    writeFileSync(path.join(repo, 'big.txt'), 'x'.repeat(6 * 1024 * 1024));
    writeFileSync(path.join(repo, 'odd name*.txt'), 'changed\n');
    await git(repo, ['rm', '--quiet', 'gone.txt']);
    await git(repo, ['add', '--all']);
    await git(repo, ['commit', '--quiet', '-m', 'change']);

    const files = (await changedFiles(repo, base)).sort((a, b) => a.path.localeCompare(b.path));
    expect(files).toEqual([
      { path: 'big.txt', bytes: 6 * 1024 * 1024, binary: false },
      { path: 'keep.txt', bytes: 4, binary: false },
      { path: 'logo.png', bytes: 10, binary: true },
      { path: 'odd name*.txt', bytes: 8, binary: false },
    ]);

    const comparison = compareToBaseline(empty, empty, resolvePolicy(), files);
    expect(comparison.verdict).toBe('regression');
    expect(comparison.regressions.map((r) => r.rule === 'fileRefused' && [r.file, r.reason])).toEqual([
      ['big.txt', 'tooLarge'],
      ['logo.png', 'binary'],
    ]);
    expect(regressionFeedback(comparison)).toContain(
      'logo.png is a binary file, which this repository does not accept',
    );
  });

  it('follows the repository policy: a larger limit, binary files by extension or all', () => {
    const files = [
      { path: 'assets/logo.PNG', bytes: 10, binary: true },
      { path: 'tool.bin', bytes: 10, binary: true },
      { path: 'big.txt', bytes: 2_000, binary: false },
    ];
    const refused = (overrides: Parameters<typeof resolvePolicy>[0]) =>
      compareToBaseline(empty, empty, resolvePolicy(overrides), files).regressions.map((r) =>
        r.rule === 'fileRefused' ? r.file : r.rule,
      );
    expect(refused({ maxFileBytes: 1_000, binaryFiles: ['.png'] })).toEqual(['tool.bin', 'big.txt']);
    expect(refused({ binaryFiles: 'allow' })).toEqual([]);
    expect(refused({ fileRefused: 'warning' })).toEqual(['assets/logo.PNG', 'tool.bin']);
    expect(compareToBaseline(empty, empty, resolvePolicy({ fileRefused: 'warning' }), files).verdict).toBe('pass');
    expect(() => resolvePolicy({ binaryFiles: ['png'] })).toThrow('binaryFiles');
  });
});
