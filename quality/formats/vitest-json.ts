import { readCoverageSummary } from './coverage-summary.js';
import { shellQuote, type FormatAdapter } from './format-adapter.js';
import { parseJestStyleReport } from './jest-style-report.js';
import { assertFailureExplained } from './no-failure-check.js';
import { readReportFile } from './report-text.js';

export const vitestJson: FormatAdapter = {
  commandLine(command, files, { coverage, onlyFiles = [] }) {
    const coverageArgs = coverage
      ? ` --coverage.enabled=true --coverage.reporter=json-summary --coverage.reportsDirectory=${shellQuote(files.coverageDir)}`
      : '';
    // Vitest takes positional arguments as file filters.
    const filters = onlyFiles.map((file) => ` ${shellQuote(file)}`).join('');
    return `${command} --reporter=json --outputFile=${shellQuote(files.report)}${coverageArgs}${filters}`;
  },
  async read({ exitCode, files, worktree }) {
    const tests = parseJestStyleReport(await readReportFile(files.report), worktree, 'vitest JSON report');
    assertFailureExplained(tests, exitCode, 'vitest');
    return { tests, coverage: await readCoverageSummary(files.coverageDir) };
  },
};
