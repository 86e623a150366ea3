import type { TestFailure } from '../snapshot.js';
import { shellQuote, type FormatAdapter } from './format-adapter.js';
import { assertFailureExplained } from './no-failure-check.js';
import { cleanMessage, readReportFile, stripAnsi } from './report-text.js';
import { ToolReportError } from './tool-report-error.js';
import type { TestRun } from './format-adapter.js';

const FILE_HEADING = /^(\S.*\.[cm]?[jt]sx?)$/;
const FAIL_LINE = /^\s*FAIL\s+(?:(.+?)\s+)?"(.*)"\s*$/;
const COUNT = (label: string) => new RegExp(`^\\s*${label}:\\s+(\\d+)\\s*$`, 'm');

/**
 * uvu's console output (it has no machine-readable reporter): a heading per test file, a
 * `FAIL <suite> "<test>"` block per failing test with its assertion message, and the totals
 * (`Total` counts the tests run, skipped ones apart). Passing tests are counted, not named.
 */
export function parseUvuOutput(text: string): TestRun {
  const lines = stripAnsi(text).split(/\r?\n/);
  const total = COUNT('Total').exec(lines.join('\n'));
  const passed = COUNT('Passed').exec(lines.join('\n'));
  if (!total || !passed) throw new ToolReportError('its output has no uvu `Total:`/`Passed:` summary');
  const skipped = COUNT('Skipped').exec(lines.join('\n'));
  const failures: TestFailure[] = [];
  let file: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = FILE_HEADING.exec(line);
    if (heading) file = heading[1]!;
    const fail = FAIL_LINE.exec(line);
    if (!fail) continue;
    const message: string[] = [];
    while (i + 1 < lines.length && !FAIL_LINE.test(lines[i + 1]!) && !/^\s*Total:/.test(lines[i + 1]!)) {
      if (lines[i + 1]!.trim() === '' && message.at(-1) === '') break;
      message.push(lines[++i]!.trim());
    }
    const name = [fail[1]?.trim(), fail[2]].filter(Boolean).join(' > ');
    failures.push({ file, name, location: file, message: cleanMessage(message.join('\n')) });
  }
  const run = Number(total[1]);
  return {
    passed: Number(passed[1]),
    failed: run - Number(passed[1]),
    skipped: skipped ? Number(skipped[1]) : 0,
    failures,
    passing: [],
  };
}

/** uvu, read from its stdout, which goes whole into the report file. */
export const uvu: FormatAdapter = {
  commandLine: (command, files) => `${command} > ${shellQuote(files.report)}`,
  async read({ exitCode, files }) {
    const tests = parseUvuOutput(await readReportFile(files.report));
    assertFailureExplained(tests, exitCode, 'uvu');
    return { tests };
  },
};
