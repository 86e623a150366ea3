import type { TestRun } from './format-adapter.js';
import { ToolReportError } from './tool-report-error.js';

/**
 * A test run that exits non-zero although its report lists no failing test is still judged (the
 * exit code makes it a failing check, and a coverage threshold miss says why) unless the report
 * holds no test at all: then the tool could not run the tests and nothing can be judged.
 */
export function assertFailureExplained(tests: TestRun, exitCode: number | null, tool: string): void {
  if (exitCode !== 0 && tests.failed === 0 && tests.passed === 0) {
    throw new ToolReportError(`${tool} exited with ${exitCode} but its report lists no test`);
  }
}
