import { describe, expect, it } from 'vitest';
import { jestJson } from '../../quality/formats/jest-json.js';
import { nodeTest } from '../../quality/formats/node-test.js';

const files = { report: '/tmp/q/report', coverageDir: '/tmp/q/coverage' };

// The vitest, eslint, tsc and node:test command lines run for real in the gate tests; Jest is not
// installed here, and a wrapped node:test is not detected from package.json.
describe('reporter command lines', () => {
  it('asks jest for its JSON report and coverage summary, and filters a re-run by escaped test paths', () => {
    expect(jestJson.commandLine('jest --ci', files, { coverage: true })).toBe(
      "jest --ci --json --outputFile='/tmp/q/report' --coverage --coverageReporters=json-summary --coverageDirectory='/tmp/q/coverage'",
    );
    expect(
      jestJson.commandLine('jest', files, { coverage: false, onlyFiles: ['test/a.test.js', "test/it's (1).test.js"] }),
    ).toBe("jest --json --outputFile='/tmp/q/report' 'test/a\\.test\\.js' 'test/it'\\''s \\(1\\)\\.test\\.js'");
  });

  it('appends the node:test reporter options to a wrapper that passes them on', () => {
    expect(nodeTest.commandLine('npm test --', files, { coverage: false })).toBe(
      "npm test -- --test-reporter=tap --test-reporter-destination='/tmp/q/report'",
    );
  });
});
