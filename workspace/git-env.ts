/**
 * The environment every git the worker runs gets. Agent output is untrusted code and may have written
 * the repository's hooks and config, so git runs with a whitelisted environment (no API keys reach a
 * program git spawns) and with command-line config that outranks every config file: no hooks, no
 * fsmonitor, no external diff, no pager or editor, no background gc.
 */

/** The only variables of the worker's environment git sees. */
const PASSED_THROUGH = [
  'PATH',
  'HOME',
  'XDG_CONFIG_HOME',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'TZ',
  'TMPDIR',
];

const FIXED_ENV: Record<string, string> = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_ATTR_NOSYSTEM: '1',
  // refs/replace and info/grafts would let the agent swap the tree or the ancestry landing reads.
  GIT_NO_REPLACE_OBJECTS: '1',
  GIT_GRAFT_FILE: '/dev/null',
};

export type ConfigEntry = readonly [key: string, value: string];

/** Command-scope config for every git the worker runs; it outranks the repository's config files. */
export const HARDENING_CONFIG: readonly ConfigEntry[] = [
  // Not a directory, so nothing can ever be planted in it.
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['core.pager', 'cat'],
  ['core.editor', 'false'],
  ['core.attributesFile', '/dev/null'],
  // An empty external diff makes a patch diff fail instead of running a program (the worker never needs one).
  ['diff.external', ''],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['submodule.recurse', 'false'],
  ['merge.verifySignatures', 'false'],
  ['log.showSignature', 'false'],
  ['commit.gpgSign', 'false'],
  ['tag.gpgSign', 'false'],
  ['advice.graftFileDeprecated', 'false'],
  ['user.name', 'Jetpack Swarm'],
  ['user.email', 'swarm@jetpack.invalid'],
];

/**
 * The whole environment for one git process: the passed-through variables, the fixed GIT_* ones,
 * `vars` (GIT_DIR, GIT_WORK_TREE, ...), and `config` after HARDENING_CONFIG as GIT_CONFIG_COUNT
 * entries (unambiguous for any key, and inherited by the git processes git itself starts).
 */
export function gitEnv(vars: Record<string, string>, config: readonly ConfigEntry[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, FIXED_ENV, vars);
  const entries = [...HARDENING_CONFIG, ...config];
  env.GIT_CONFIG_COUNT = String(entries.length);
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
