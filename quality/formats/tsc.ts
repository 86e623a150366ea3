import { MAX_LISTED_PROBLEMS, type TypeDiagnostic, type TypecheckMetrics } from '../snapshot.js';
import { shellQuote, type FormatAdapter } from './format-adapter.js';
import { readReportFile } from './report-text.js';
import { ToolReportError } from './tool-report-error.js';

const LOCATED = /^(.+)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const GLOBAL = /^error (TS\d+): (.*)$/;

/**
 * tsc's `--pretty false` output: one `file(line,col): error TSnnnn: message` line per diagnostic,
 * with indented lines continuing its message chain. Other lines (e.g. npm's banner) are ignored.
 */
export function parseTscOutput(text: string): TypecheckMetrics {
  const diagnostics: TypeDiagnostic[] = [];
  let current: TypeDiagnostic | null = null;
  for (const line of text.split(/\r?\n/)) {
    const located = LOCATED.exec(line);
    const global = located ? null : GLOBAL.exec(line);
    if (located) {
      const [file = '', row = '', column = '', code = '', message = ''] = located.slice(1);
      current = { file, line: Number(row), column: Number(column), code, message };
      diagnostics.push(current);
    } else if (global) {
      const [code = '', message = ''] = global.slice(1);
      current = { file: null, line: null, column: null, code, message };
      diagnostics.push(current);
    } else if (current && /^\s+\S/.test(line)) {
      current.message += `\n${line.trim()}`;
    } else {
      current = null;
    }
  }
  return { errors: diagnostics.length, diagnostics: diagnostics.slice(0, MAX_LISTED_PROBLEMS) };
}

export const tsc: FormatAdapter = {
  // tsc prints its diagnostics on stdout; a file keeps them whole where the bounded output would not.
  commandLine: (command, files) => `${command} --pretty false > ${shellQuote(files.report)}`,
  async read({ exitCode, files }) {
    const typecheck = parseTscOutput(await readReportFile(files.report).catch(() => ''));
    if (exitCode !== 0 && typecheck.errors === 0)
      throw new ToolReportError(`tsc exited with ${exitCode} but printed no diagnostic`);
    return { typecheck };
  },
};
