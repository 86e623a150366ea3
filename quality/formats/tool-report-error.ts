/**
 * A tool's report is missing, garbage, truncated, or contradicts its exit code. The collector
 * turns it into the check's `error`, prefixed with the check and its command.
 */
export class ToolReportError extends Error {
  override name = 'ToolReportError';
}
