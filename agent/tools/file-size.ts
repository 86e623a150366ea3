import { ToolError } from './tool.js';

/** Refuses a file content over the per-file limit, before anything is written. */
export function requireWithinFileLimit(relative: string, bytes: number, maxFileBytes: number): void {
  if (bytes > maxFileBytes) {
    throw new ToolError(
      `refused: ${relative} would be ${bytes} bytes, over the ${maxFileBytes}-byte limit for one file`,
    );
  }
}
