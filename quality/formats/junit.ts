import { shellQuote, type FormatAdapter } from './format-adapter.js';
import { parseJunitReport } from './junit-report.js';
import { assertFailureExplained } from './no-failure-check.js';
import { readReportFile } from './report-text.js';

/** Mocha through its built-in xunit reporter, which writes JUnit XML to a file. */
export const junit: FormatAdapter = {
  commandLine: (command, files) =>
    `${command} --reporter xunit --reporter-option ${shellQuote(`output=${files.report}`)}`,
  async read({ exitCode, files, worktree }) {
    const tests = parseJunitReport(await readReportFile(files.report), worktree);
    assertFailureExplained(tests, exitCode, 'mocha');
    return { tests };
  },
};
