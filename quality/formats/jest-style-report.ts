import { z } from 'zod';
import type { TestId } from '../snapshot.js';
import type { TestRun } from './format-adapter.js';
import { cleanMessage, parseJsonReport, relativeToWorktree } from './report-text.js';

/** The name under which a test file that could not run at all is reported. */
export const FILE_FAILED_TO_RUN = '(test file failed to run)';

const reportSchema = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      message: z.string().default(''),
      assertionResults: z.array(
        z.object({
          ancestorTitles: z.array(z.string()),
          title: z.string(),
          status: z.string(),
          failureMessages: z.array(z.string()).default([]),
        }),
      ),
    }),
  ),
});

/**
 * The JSON report Jest writes with `--json` and Vitest with `--reporter=json` (Vitest keeps Jest's
 * shape). A file that failed to load has no assertions but a message: it counts as one failure.
 */
export function parseJestStyleReport(text: string, worktree: string, what: string): TestRun {
  const report = parseJsonReport(text, reportSchema, what);
  const run: TestRun = { passed: 0, failed: 0, skipped: 0, failures: [], passing: [] };
  for (const fileResult of report.testResults) {
    const file = relativeToWorktree(worktree, fileResult.name);
    let failedInFile = 0;
    for (const assertion of fileResult.assertionResults) {
      const test: TestId = { file, name: [...assertion.ancestorTitles, assertion.title].join(' > ') };
      if (assertion.status === 'passed') {
        run.passed++;
        run.passing.push(test);
      } else if (assertion.status === 'failed') {
        failedInFile++;
        run.failures.push({ ...test, location: file, message: cleanMessage(assertion.failureMessages.join('\n')) });
      } else {
        run.skipped++;
      }
    }
    if (fileResult.status === 'failed' && failedInFile === 0 && fileResult.message.trim() !== '') {
      failedInFile++;
      run.failures.push({ file, name: FILE_FAILED_TO_RUN, location: file, message: cleanMessage(fileResult.message) });
    }
    run.failed += failedInFile;
  }
  return run;
}
