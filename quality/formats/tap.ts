import { runnerOf } from '../runners.js';
import { shellQuote, type FormatAdapter } from './format-adapter.js';
import { assertFailureExplained } from './no-failure-check.js';
import { readReportFile } from './report-text.js';
import { parseTapReport } from './tap-report.js';

/** What each TAP-speaking runner needs to print TAP (tape always does). */
const TAP_ARGS: Partial<Record<string, string>> = { ava: ' --tap', tap: ' --reporter=tap' };

/** Runners that print TAP on stdout: tape, `ava --tap`, `tap --reporter=tap`. */
export const tap: FormatAdapter = {
  commandLine(command, files) {
    const runner = runnerOf(command.split('&&').at(-1)!) ?? '';
    return `${command}${TAP_ARGS[runner] ?? ''} > ${shellQuote(files.report)}`;
  },
  async read({ exitCode, files, worktree }) {
    const tests = parseTapReport(await readReportFile(files.report), worktree);
    assertFailureExplained(tests, exitCode, 'the TAP runner');
    return { tests };
  },
};
