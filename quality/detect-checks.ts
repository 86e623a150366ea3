import { existsSync } from 'node:fs';
import path from 'node:path';
import { hasDependency, readPackageJson, type PackageJson } from './package-json.js';
import { KIND_OF_FORMAT, type QualityCheck } from './quality-check.js';
import { RUNNER_FORMATS, runnerOf } from './runners.js';
import { scriptSteps } from './script-steps.js';
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

const COVERAGE_OFF = /(^|\s)(--no-coverage|--coverage(\.enabled)?=false)(\s|$)/;

/** The formats that read a check of each kind detected from package.json. */
const EXPECTED: Record<string, ReportFormat[]> = {
  lint: ['eslint-json'],
  typecheck: ['tsc'],
  test: ['vitest-json', 'jest-json', 'node-test', 'tap', 'junit', 'uvu'],
  build: [],
};

// The PATH holds node_modules/.bin, so `npx` adds nothing but the risk of downloading a missing tool.
const withoutNpx = (step: string) => step.trim().replace(/^npx\s+(--no-install\s+|--no\s+|-y\s+|--yes\s+)?/, '');

/**
 * The check a package.json script makes: its steps (other scripts it runs unwrapped, see
 * scriptSteps) up to the last one whose runner the gate can read, that runner getting its reporter
 * arguments, and the steps after it kept as `after`. A script without such a runner (or with shell
 * syntax beyond `&&`) runs as `npm run <name>`, judged by its exit code.
 */
function fromScript(pkg: PackageJson, name: string, kind: CheckKind): QualityCheck | null {
  const script = pkg.scripts[name];
  if (script === undefined || /no test specified/.test(script)) return null;
  const npmCommand = name === 'test' ? 'npm test' : `npm run ${name}`;
  const steps = scriptSteps(pkg, name)?.map(withoutNpx) ?? null;
  const expected = EXPECTED[name] ?? [];
  const formatOf = (step: string) => {
    const runner = runnerOf(step);
    const format = runner === null ? null : RUNNER_FORMATS[runner];
    return format !== null && expected.includes(format) ? format : null;
  };
  const at = steps ? steps.findLastIndex((step) => formatOf(step) !== null) : -1;
  if (!steps || at === -1) return { name, kind, format: 'exit-code', command: npmCommand, coverage: false };
  const format = formatOf(steps[at]!)!;
  const after = steps.slice(at + 1).join(' && ');
  return {
    name,
    kind,
    format,
    command: steps.slice(0, at + 1).join(' && '),
    // A script that turns coverage off has a reason (jest's edge runtime cannot run instrumented code).
    coverage: wantsCoverage(pkg, format) && !COVERAGE_OFF.test(steps[at]!),
    ...(after ? { after } : {}),
  };
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
 * otherwise lint, typecheck, test and build as package.json shows them. A script whose steps run
 * eslint, tsc, or a test runner the gate reads (vitest, jest, node:test, mocha, ava, tap, tape, uvu)
 * gets that tool's report; other scripts, and plain string commands in `.swarm.json`, are judged by
 * their exit code.
 */
export function detectQualityChecks(worktree: string): QualityCheck[] {
  const configured = readRepoConfig(worktree)?.checks;
  if (configured) return Object.entries(configured).map(([name, check]) => fromConfig(name, check));
  const pkg = readPackageJson(worktree);
  if (!pkg) return [];
  const detected = [
    fromScript(pkg, 'lint', 'lint') ?? fromDependencies(worktree, pkg, 'lint'),
    fromScript(pkg, 'typecheck', 'typecheck') ?? fromDependencies(worktree, pkg, 'typecheck'),
    fromScript(pkg, 'test', 'test') ?? fromDependencies(worktree, pkg, 'test'),
    fromScript(pkg, 'build', 'build'),
  ];
  return detected.filter((check): check is QualityCheck => check !== null);
}
