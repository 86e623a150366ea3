import { shellQuote, type FormatAdapter } from './format-adapter.js';
import { assertFailureExplained } from './no-failure-check.js';
import { parseNodeTestTap } from './node-test-tap.js';
import { readReportFile } from './report-text.js';

const TEST_FLAG = /(^|\s)--test(?=\s|$)/;

export const nodeTest: FormatAdapter = {
  commandLine(command, files, { coverage }) {
    const args = `--test-reporter=tap --test-reporter-destination=${shellQuote(files.report)}${coverage ? ' --experimental-test-coverage' : ''}`;
    // Node reads options only before the first file argument, so they go right after --test;
    // a wrapper such as `npm test --` passes them on when appended.
    return TEST_FLAG.test(command) ? command.replace(TEST_FLAG, `$1--test ${args}`) : `${command} ${args}`;
  },
  async read({ exitCode, files, worktree }) {
    const { tests, coverage } = parseNodeTestTap(await readReportFile(files.report), worktree);
    assertFailureExplained(tests, exitCode, 'node --test');
    return { tests, coverage };
  },
};
