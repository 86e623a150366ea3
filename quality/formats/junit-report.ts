import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { TestFailure, TestId } from '../snapshot.js';
import type { TestRun } from './format-adapter.js';
import { cleanMessage, relativeToWorktree } from './report-text.js';
import { ToolReportError } from './tool-report-error.js';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error'].includes(name),
});

const text = (value: unknown): string =>
  typeof value === 'string' ? value : value && typeof value === 'object' ? String((value as Node)['#text'] ?? '') : '';
const attr = (node: Node, name: string): string | null => (typeof node[name] === 'string' ? node[name] : null);

/** Every testsuite, nested ones included (some reporters nest suites). */
function suitesOf(node: Node): Node[] {
  const own = (node.testsuite as Node[] | undefined) ?? [];
  return own.flatMap((suite) => [suite, ...suitesOf(suite)]);
}

function caseName(testcase: Node): string {
  const name = attr(testcase, 'name') ?? '(unnamed)';
  const classname = attr(testcase, 'classname');
  // jest-junit and others repeat the class in the name; mocha's xunit puts the suite there.
  return classname && !name.startsWith(classname) ? `${classname} > ${name}` : name;
}

/**
 * A JUnit XML report (mocha's xunit reporter, jest-junit, Vitest's junit reporter and most other
 * runners): a test is named by its classname and name, tied to a file where the report gives one.
 */
export function parseJunitReport(xml: string, worktree: string): TestRun {
  if (XMLValidator.validate(xml) !== true)
    throw new ToolReportError(`its JUnit report is not valid XML; it starts with ${JSON.stringify(xml.slice(0, 120))}`);
  const root = parser.parse(xml) as Node;
  const top = (root.testsuites as Node | undefined) ?? root;
  const suites = suitesOf(top);
  if (suites.length === 0) throw new ToolReportError('its JUnit report has no <testsuite>');
  const run: TestRun = { passed: 0, failed: 0, skipped: 0, failures: [], passing: [] };
  for (const suite of suites) {
    for (const testcase of (suite.testcase as Node[] | undefined) ?? []) {
      const fileAttr = attr(testcase, 'file') ?? attr(suite, 'file');
      const file = fileAttr ? relativeToWorktree(worktree, fileAttr) : null;
      const test: TestId = { file, name: caseName(testcase) };
      const problems = [...((testcase.failure as unknown[]) ?? []), ...((testcase.error as unknown[]) ?? [])];
      if ('skipped' in testcase) run.skipped++;
      else if (problems.length === 0) {
        run.passed++;
        run.passing.push(test);
      } else {
        run.failed++;
        const message = problems
          .map((p) =>
            [typeof p === 'object' && p ? attr(p as Node, 'message') : null, text(p)].filter(Boolean).join('\n'),
          )
          .join('\n');
        const failure: TestFailure = { ...test, location: file, message: cleanMessage(message || 'failed') };
        run.failures.push(failure);
      }
    }
  }
  return run;
}
