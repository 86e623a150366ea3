import type { PackageJson } from './package-json.js';
import { words } from './runners.js';

/** Shell syntax other than `&&` that makes a script more than a sequence of commands. */
const OTHER_SHELL_SYNTAX = /;|\|\||(?<![&])&(?![&])|\||[<>`\n]|\$\(/;
const MAX_DEPTH = 8;

/** `npm run x`, `npm test`, `pnpm run x`, `pnpm x`, `yarn x`, `bun run x`, with any `-- args` after. */
const RUN_SCRIPT =
  /^(?:npm|pnpm|yarn|bun)(?:\s+(?:--silent|-s|--if-present))*\s+(?:(?:run|run-script)(?:\s+(?:--silent|-s|--if-present))*\s+)?(\S+)(?:\s+--\s+(.*))?$/;
const NPM_SHORTHANDS: Record<string, string> = { t: 'test', tst: 'test' };
/** `run-s a b`, `npm-run-all a b` (serial or parallel), `run-p a b`: each name or glob a script. */
const RUN_ALL = /^(?:run-s|run-p|npm-run-all)\s+(.*)$/;

/** What pnpm, yarn and bun do besides running scripts; any other first word runs a binary of node_modules/.bin. */
const MANAGER_COMMANDS = new Set([
  'add',
  'audit',
  'build',
  'cache',
  'ci',
  'config',
  'create',
  'dedupe',
  'dlx',
  'env',
  'help',
  'import',
  'info',
  'init',
  'install',
  'i',
  'link',
  'list',
  'ls',
  'outdated',
  'pack',
  'patch',
  'prune',
  'publish',
  'rebuild',
  'remove',
  'rm',
  'run',
  'setup',
  'store',
  'unlink',
  'up',
  'update',
  'upgrade',
  'why',
  'workspace',
  'workspaces',
  'test',
  't',
  'start',
  'version',
  'x',
]);

/** `pnpm vitest run`, `pnpm exec vitest run`, `yarn mocha` and `bunx ava` run a binary: the step without the manager. */
function execViaManager(step: string): string | null {
  const match = /^(pnpm|yarn|bun)\s+(?:exec\s+)?(\S+)(.*)$/.exec(step);
  if (!match || (MANAGER_COMMANDS.has(match[2]!) && !/^\S+\s+exec\s/.test(step)) || match[2]!.startsWith('-'))
    return null;
  return `${match[2]}${match[3]}`;
}

function globToRegExp(glob: string): RegExp {
  const pattern = glob
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^:]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

/** The script names `run-s`/`npm-run-all` arguments select, in package.json order. */
function runAllScripts(pkg: PackageJson, args: string): string[] | null {
  const names: string[] = [];
  for (const word of words(args)) {
    if (word.startsWith('-')) continue;
    const matching = /[*]/.test(word)
      ? Object.keys(pkg.scripts).filter((name) => globToRegExp(word).test(name))
      : word in pkg.scripts
        ? [word]
        : [];
    if (matching.length === 0) return null;
    names.push(...matching);
  }
  return names;
}

/**
 * The simple commands a package.json script runs, in order, with `npm run`/`pnpm run`/`yarn`/`run-s`/
 * `npm-run-all` calls of other scripts replaced by those scripts' commands (and `npm test`'s
 * `pretest`): `"test": "npm run build && run-s test:*"` gives `tsc`, `mocha`, `tape test/*.js`.
 * Null when some step uses shell syntax other than `&&` or names a script that does not exist.
 */
export function scriptSteps(pkg: PackageJson, name: string, depth = 0): string[] | null {
  const script = pkg.scripts[name];
  if (script === undefined || depth > MAX_DEPTH || OTHER_SHELL_SYNTAX.test(script)) return null;
  const steps: string[] = [];
  const pre = pkg.scripts[`pre${name}`];
  if (pre !== undefined && depth === 0) {
    const preSteps = scriptSteps(pkg, `pre${name}`, depth + 1);
    if (!preSteps) return null;
    steps.push(...preSteps);
  }
  for (const part of script.split('&&').map((s) => s.trim())) {
    if (part === '') return null;
    const run = RUN_SCRIPT.exec(part);
    const all = run ? null : RUN_ALL.exec(part);
    const target = run ? (NPM_SHORTHANDS[run[1]!] ?? run[1]!) : null;
    const managerExec = target !== null && target in pkg.scripts ? null : execViaManager(part);
    if (managerExec !== null) {
      steps.push(managerExec);
    } else if (target !== null && target in pkg.scripts) {
      const inner = scriptSteps(pkg, target, depth + 1);
      if (!inner || inner.length === 0) return null;
      // `npm run test:unit -- --bail` hands its arguments to the last command of that script.
      if (run![2]) inner.push(`${inner.pop()!} ${run![2]}`);
      steps.push(...inner);
    } else if (all) {
      const names = runAllScripts(pkg, all[1]!);
      if (!names) return null;
      for (const script of names) {
        const inner = scriptSteps(pkg, script, depth + 1);
        if (!inner) return null;
        steps.push(...inner);
      }
    } else {
      steps.push(part);
    }
  }
  return steps;
}
