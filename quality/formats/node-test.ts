import { shellQuote, type FormatAdapter } from './format-adapter.js';
import { assertFailureExplained } from './no-failure-check.js';
import { parseNodeTestTap } from './node-test-tap.js';
import { readReportFile } from './report-text.js';

const TEST_FLAG = /(^|\s)--test(?=\s|$)/;
const REPORTER = /(?:^|\s)--test-reporter(?:=|\s+)\S+/g;
const DESTINATION = /(?:^|\s)--test-reporter-destination(?:=|\s+)\S+/g;

/**
 * Node pairs the n-th --test-reporter with the n-th --test-reporter-destination and refuses unequal
 * counts once there are two reporters. The repo's own reporters keep writing to stdout (node's
 * default for a lone reporter) unless it gave them destinations; ours writes TAP to the report file.
 */
function reporterArgs(command: string, report: string): string {
  const theirs = command.match(REPORTER)?.length ?? 0;
  const theirDestinations = command.match(DESTINATION)?.length ?? 0;
  const stdout = ' --test-reporter-destination=stdout'.repeat(Math.max(0, theirs - theirDestinations));
  return `--test-reporter=tap --test-reporter-destination=${shellQuote(report)}${stdout}`;
}

export const nodeTest: FormatAdapter = {
  commandLine(command, files, { coverage }) {
    const args = `${reporterArgs(command, files.report)}${coverage ? ' --experimental-test-coverage' : ''}`;
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
