import { readCoverageSummary } from './coverage-summary.js';
import { shellQuote, type FormatAdapter } from './format-adapter.js';
import { parseJestStyleReport } from './jest-style-report.js';
import { assertFailureExplained } from './no-failure-check.js';
import { readReportFile } from './report-text.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const jestJson: FormatAdapter = {
  commandLine(command, files, { coverage, onlyFiles = [] }) {
    const coverageArgs = coverage
      ? ` --coverage --coverageReporters=json-summary --coverageDirectory=${shellQuote(files.coverageDir)}`
      : '';
    // Jest takes positional arguments as regular expressions over test paths.
    const filters = onlyFiles.map((file) => ` ${shellQuote(escapeRegExp(file))}`).join('');
    return `${command} --json --outputFile=${shellQuote(files.report)}${coverageArgs}${filters}`;
  },
  async read({ exitCode, files, worktree }) {
    const tests = parseJestStyleReport(await readReportFile(files.report), worktree, 'jest JSON report');
    assertFailureExplained(tests, exitCode, 'jest');
    return { tests, coverage: await readCoverageSummary(files.coverageDir) };
  },
};
