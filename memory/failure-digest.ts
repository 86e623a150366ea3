import { HEADINGS } from '../quality/feedback.js';
import type { RegressionRule } from '../quality/comparison.js';
/** What a failed attempt's feedback text (quality/feedback.ts) says went wrong, in a few short lines. */
export interface FailureDigest {
  /** Names of the checks that failed, e.g. `test`, `build`. */
  checks: string[];
  /** Failing test names the runner printed (TAP, node/vitest/jest spec reporters, pytest, go test). */
  failingTests: string[];
  /** The first distinct error lines. */
  errors: string[];
  /**
   * The failure with the incidental parts (numbers, line:col, hashes, temp paths) blanked out, so the
   * same mistake made by different tasks produces the same text. Empty when nothing was recognised.
   */
  signature: string;
}

const MAX_TESTS = 10;
const MAX_ERRORS = 5;
const MAX_LINE = 200;

const TEST_PATTERNS: RegExp[] = [
  /^\s*not ok \d+ - (.+?)(?:\s+#\s*(?:TODO|SKIP).*)?$/, // TAP (node --test when piped)
  /^\s*[✖×✗✕]\s+(.+?)(?:\s+\(?\d+(?:\.\d+)?\s?m?s\)?)?$/u, // node spec, vitest, jest marks
  /^\s*FAIL\s+(\S+\.\w+\s+>\s+.+?)(?:\s+\[.*\])?$/, // vitest summary: FAIL file > suite > test
  /^\s*●\s+(?!Console\b)(.+?)$/u, // jest
  /^FAILED\s+(\S+?)(?:\s+-\s+.*)?$/, // pytest
  /^\s*--- FAIL: (\S+)/, // go test
];

/** TAP diagnostic fields that merely classify the error already taken from its `error:` field. */
const TAP_CLASSIFIER = /^\s+(?:code|name|failureType):\s*'/;
const ERROR_LINE =
  /\b(?:[A-Z]\w*(?:Error|Exception)\b|error TS\d+|panic:|npm ERR!|ERR_[A-Z_]+)|^\s*(?:error|Error)\b[:\s]/;

const clip = (line: string) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line);

/** Blanks out what differs between two occurrences of the same failure. */
export function normaliseFailureText(text: string): string {
  return text
    .replace(/(?:file:\/\/)?(?:\/[\w.@+-]+)+\/([\w.@+-]+)/g, '$1') // absolute paths → file name
    .replace(/:\d+(?::\d+)?\b/g, '') // line:col
    .replace(/\b[0-9a-f]{7,40}\b/g, '<hash>')
    .replace(/\b\d+(?:\.\d+)?\s?(?:ms|s)\b/g, '<time>')
    .replace(/\b\d+\b/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}

function pushDistinct(list: string[], value: string, max: number): void {
  const v = clip(value.trim());
  if (v && !list.includes(v) && list.length < max) list.push(v);
}

/** A quality-gate section heading: `### New type errors (blocking)`. */
const GATE_SECTION = /^### (.+?) \((?:blocking|warning, not blocking)\)$/;
/** What each gate section is about, in a word (also used as a tag). */
const SECTION_TOPIC: Record<RegressionRule, string> = {
  checkError: 'checks',
  checkMissing: 'checks',
  buildBroken: 'build',
  checkBroken: 'checks',
  newFailingTest: 'tests',
  newTypeError: 'typecheck',
  lintErrorIncrease: 'lint',
  lintWarningIncrease: 'lint',
  coverageDrop: 'coverage',
  coverageThreshold: 'coverage',
  redBase: 'checks',
  fileRefused: 'files',
};
const TOPIC_OF_HEADING = new Map(
  Object.entries(HEADINGS).map(([rule, heading]) => [heading, SECTION_TOPIC[rule as RegressionRule]]),
);
const GATE_TEST_ITEM = /^- `(.+?)`(?: \(.+\))?$/;
const GATE_TYPE_ERROR = /^- (\S+:\d+:\d+ TS\d+: .+)$/;

export function digestFeedback(feedback: string): FailureDigest {
  const checks = [
    ...new Set(
      feedback.split('\n').flatMap((line) => {
        const heading = GATE_SECTION.exec(line)?.[1];
        const topic = heading && TOPIC_OF_HEADING.get(heading);
        return topic ? [topic] : [];
      }),
    ),
  ];
  const failingTests: string[] = [];
  const errors: string[] = [];
  const lines = feedback.split('\n');
  let section = '';
  lines.forEach((line, i) => {
    const heading = GATE_SECTION.exec(line);
    if (heading) section = heading[1]!;
    if (section === HEADINGS.newFailingTest) {
      const test = GATE_TEST_ITEM.exec(line);
      if (test) {
        pushDistinct(failingTests, test[1]!, MAX_TESTS);
        // The test's message is the first line of the fenced block under it.
        if (lines[i + 1]?.trim() === '```') pushDistinct(errors, lines[i + 2] ?? '', MAX_ERRORS);
        return;
      }
    }
    const typeError = GATE_TYPE_ERROR.exec(line);
    if (typeError) {
      pushDistinct(errors, typeError[1]!, MAX_ERRORS);
      return;
    }
    for (const pattern of TEST_PATTERNS) {
      const match = pattern.exec(line);
      if (match?.[1]) {
        pushDistinct(failingTests, match[1], MAX_TESTS);
        break;
      }
    }
    // TAP diagnostics: `error: 'message'` or a `error: |-` block whose first line is the message.
    const tap = /^\s+error:\s*(.*)$/.exec(line);
    if (tap) {
      const inline = tap[1]!.replace(/^['"]|['"]$/g, '');
      pushDistinct(errors, /^\|-?$|^>-?$|^$/.test(inline) ? (lines[i + 1] ?? '') : inline, MAX_ERRORS);
    } else if (ERROR_LINE.test(line) && !TAP_CLASSIFIER.test(line) && !line.startsWith('### ')) {
      pushDistinct(errors, line, MAX_ERRORS);
    }
  });
  if (feedback.startsWith('### The agent did not finish'))
    pushDistinct(errors, lines[1] ?? 'the agent did not finish', MAX_ERRORS);

  const parts = [
    checks.length ? `failed: ${checks.join(', ')}` : '',
    errors.length ? `error: ${errors.slice(0, 2).join(' / ')}` : '',
    failingTests.length ? `tests: ${failingTests.slice(0, 5).join(', ')}` : '',
  ].filter(Boolean);
  return { checks, failingTests, errors, signature: normaliseFailureText(parts.join(' | ')).slice(0, 500) };
}
