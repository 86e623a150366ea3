import { existsSync } from 'node:fs';
import path from 'node:path';
import { hasDependency, readPackageJson, type PackageJson } from './package-json.js';
import { KIND_OF_FORMAT, type QualityCheck } from './quality-check.js';
import { readRepoConfig, type ConfiguredCheck } from './repo-config.js';
import { CHECK_KINDS, type CheckKind, type ReportFormat } from './snapshot.js';

const ESLINT_CONFIG_FILES = [
  'eslint.config.js',
  'eslint.config.mjs',
  'eslint.config.cjs',
  'eslint.config.ts',
  'eslint.config.mts',
];
const VITEST_COVERAGE_PROVIDERS = ['@vitest/coverage-v8', '@vitest/coverage-istanbul'];

/** Which tool a script invokes, by its first word. */
const TOOL_OF_SCRIPT: Array<[RegExp, ReportFormat]> = [
  [/^eslint(\s|$)/, 'eslint-json'],
  [/^tsc(\s|$)/, 'tsc'],
  [/^vitest(\s|$)/, 'vitest-json'],
  [/^jest(\s|$)/, 'jest-json'],
  [/^node\s(.*\s)?--test(\s|$)/, 'node-test'],
];

/**
 * The script as a single tool invocation we can add reporter arguments to, or null when it is a
 * compound shell line (`tsc && vitest`), which then runs as `npm run <name>` judged by its exit code.
 */
function singleInvocation(script: string): string | null {
  if (/[;&|<>`$()\n]/.test(script)) return null;
  // The PATH holds node_modules/.bin, so `npx` adds nothing but the risk of downloading a missing tool.
  return script.trim().replace(/^npx\s+(--no-install\s+|--no\s+)?/, '');
}

function fromScript(pkg: PackageJson, name: string, kind: CheckKind, expected: ReportFormat[]): QualityCheck | null {
  const script = pkg.scripts[name];
  if (script === undefined || /no test specified/.test(script)) return null;
  const npmCommand = name === 'test' ? 'npm test' : `npm run ${name}`;
  const invocation = singleInvocation(script);
  const format = invocation === null ? undefined : TOOL_OF_SCRIPT.find(([pattern]) => pattern.test(invocation))?.[1];
  if (invocation === null || format === undefined || !expected.includes(format)) {
    return { name, kind, format: 'exit-code', command: npmCommand, coverage: false };
  }
  return { name, kind, format, command: invocation, coverage: wantsCoverage(pkg, format) };
}

function wantsCoverage(pkg: PackageJson, format: ReportFormat): boolean {
  if (format === 'vitest-json') return VITEST_COVERAGE_PROVIDERS.some((provider) => hasDependency(pkg, provider));
  // Jest ships istanbul and node:test has --experimental-test-coverage: both always can report it.
  return format === 'jest-json' || format === 'node-test';
}

function fromDependencies(worktree: string, pkg: PackageJson, name: string): QualityCheck | null {
  const exists = (file: string) => existsSync(path.join(worktree, file));
  switch (name) {
    case 'lint':
      return hasDependency(pkg, 'eslint') && ESLINT_CONFIG_FILES.some(exists)
        ? { name, kind: 'lint', format: 'eslint-json', command: 'eslint .', coverage: false }
        : null;
    case 'typecheck':
      return hasDependency(pkg, 'typescript') && exists('tsconfig.json')
        ? { name, kind: 'typecheck', format: 'tsc', command: 'tsc --noEmit', coverage: false }
        : null;
    case 'test':
      if (hasDependency(pkg, 'vitest'))
        return {
          name,
          kind: 'test',
          format: 'vitest-json',
          command: 'vitest run',
          coverage: wantsCoverage(pkg, 'vitest-json'),
        };
      if (hasDependency(pkg, 'jest'))
        return { name, kind: 'test', format: 'jest-json', command: 'jest', coverage: true };
      return null;
    default:
      return null;
  }
}

function fromConfig(name: string, configured: ConfiguredCheck): QualityCheck {
  const kindOfName = (CHECK_KINDS as readonly string[]).includes(name) ? (name as CheckKind) : 'generic';
  const kind = configured.kind ?? KIND_OF_FORMAT[configured.format] ?? kindOfName;
  return { name, kind, format: configured.format, command: configured.command, coverage: configured.coverage };
}

/**
 * The quality checks of a worktree: the `checks` of its `.swarm.json` when present (in file order),
 * otherwise lint, typecheck, test and build as package.json shows them. A script that is a single
 * eslint / tsc / vitest / jest / `node --test` invocation gets that tool's report; other scripts,
 * and plain string commands in `.swarm.json`, are judged by their exit code.
 */
export function detectQualityChecks(worktree: string): QualityCheck[] {
  const configured = readRepoConfig(worktree)?.checks;
  if (configured) return Object.entries(configured).map(([name, check]) => fromConfig(name, check));
  const pkg = readPackageJson(worktree);
  if (!pkg) return [];
  const detected = [
    fromScript(pkg, 'lint', 'lint', ['eslint-json']) ?? fromDependencies(worktree, pkg, 'lint'),
    fromScript(pkg, 'typecheck', 'typecheck', ['tsc']) ?? fromDependencies(worktree, pkg, 'typecheck'),
    fromScript(pkg, 'test', 'test', ['vitest-json', 'jest-json', 'node-test']) ??
      fromDependencies(worktree, pkg, 'test'),
    fromScript(pkg, 'build', 'build', []),
  ];
  return detected.filter((check): check is QualityCheck => check !== null);
}
