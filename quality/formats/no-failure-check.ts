import type { TestRun } from './format-adapter.js';
import { ToolReportError } from './tool-report-error.js';

/** A test run that failed without naming a failing test cannot be judged test by test. */
export function assertFailureExplained(tests: TestRun, exitCode: number | null, tool: string): void {
  if (exitCode !== 0 && tests.failed === 0) {
    throw new ToolReportError(`${tool} exited with ${exitCode} but its report lists no failing test`);
  }
}
