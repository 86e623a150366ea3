/**
 * Generated bad input for the fuzz test (fuzz-input.test.ts): `swarm task create` variants and
 * configuration values, each with what its one-line refusal must name. Deterministic from a seed.
 */

/** One thing wrong: options to set (null removes one), extra arguments, env; and what the refusal names. */
export interface Mutation {
  name: string;
  options?: Record<string, string | null>;
  extra?: string[];
  env?: Record<string, string>;
  names: RegExp;
}

export interface FuzzCase {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** The refusal names at least one of these. */
  names: RegExp[];
}

/** Paths the generator points at: made by the test before the cases run. */
export interface FuzzPaths {
  repo: string;
  plainDir: string;
  plainFile: string;
  fifo: string;
  bigFile: string;
  nulFile: string;
  latin1File: string;
  binaryFile: string;
  emptyFile: string;
  blankFile: string;
  zeroLink: string;
  protoConfig: string;
  badJsonConfig: string;
}

/** mulberry32: a small, seeded, good-enough PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BAD_NUMBERS = ['-1', '0', '1e309', '-1e309', 'NaN', 'Infinity', '9'.repeat(30), 'abc', '', ' ', '1e-400', '0b2'];

function taskMutations(p: FuzzPaths): Record<string, Mutation[]> {
  const title = (value: string): Mutation => ({
    name: `title ${JSON.stringify(value).slice(0, 40)}`,
    options: { '--title': value },
    names: /title/,
  });
  const option = (flag: string, value: string, names: RegExp): Mutation => ({
    name: `${flag} ${JSON.stringify(value).slice(0, 40)}`,
    options: { [flag]: value },
    names,
  });
  const descriptionFile = (file: string, names: RegExp = /--description-file/): Mutation => ({
    name: `--description-file ${file}`,
    options: { '--description': null, '--description-file': file },
    names,
  });
  return {
    title: [
      '',
      '   ',
      '\u200b',
      '\u200b\u200c\u200d\u2060',
      '\ufeff',
      '\u3164',
      '\u2800',
      '\u00ad',
      'a\x00b',
      'x'.repeat(201),
      '\x1b[31mred',
      'fix\x1b[2J',
      'a\rb',
      'bell\x07',
      'osc\x1b]0;title\x07',
      '\x1b]8;;http://evil\x07link',
      '\x9bcsi',
      'rtl\u202eevil',
      '\u2066isolate',
      'line\nbreak',
      'tab\there',
      'del\x7f',
      'lone\ud800',
      'sep\u2028x',
      '\x08\x08\x08',
    ].map(title),
    priority: ['urgent', '', 'HIGH', ' high', 'low\x1b', '__proto__', 'constructor', '1', 'medium ', 'toString'].map(
      (v) => option('--priority', v, /--priority/),
    ),
    skills: [
      ['Type Script', /skills/],
      ['UPPER', /skills/],
      ['-lead', /skills/],
      ['a'.repeat(41), /skills/],
      ['x\x1b[1m', /skills/],
      ['ü', /skills/],
      ['_proto_', /skills/],
      ['cobol', /required skills: cobol/],
      ['typescript,cobol', /required skills/],
      [Array.from({ length: 21 }, (_, i) => `s${i}`).join(','), /skills/],
    ].map(([v, names]) => option('--skills', v as string, names as RegExp)),
    criteria: [
      '\x1b[2J',
      'ok\rfake',
      'x'.repeat(1001),
      '\u202e',
      '\u200b',
      'bell\x07',
      Array.from({ length: 51 }, (_, i) => `c${i}`).join(','),
    ].map((v) => option('--criteria', v, /acceptanceCriteria|acceptance criterion/)),
    maxAttempts: [...BAD_NUMBERS, '11', '1.5', '0x10', '2.0000001'].map((v) =>
      option('--max-attempts', v, /--max-attempts|maxAttempts/),
    ),
    maxTokens: [...BAD_NUMBERS, '1.5', '1e20', '9007199254740993', '2e12'].map((v) =>
      option('--max-tokens', v, /--max-tokens|maxTokens/),
    ),
    maxUsd: [...BAD_NUMBERS, '1e7', '1e300', '-0'].map((v) => option('--max-usd', v, /--max-usd|maxCostUsd/)),
    description: [
      ...[
        '/dev/zero',
        '/dev/null',
        '/dev/urandom',
        p.fifo,
        p.plainDir,
        '/nonexistent/task.md',
        p.bigFile,
        p.nulFile,
        p.latin1File,
        p.binaryFile,
        p.zeroLink,
      ].map((f) => descriptionFile(f)),
      descriptionFile(p.emptyFile, /description must not be empty/),
      descriptionFile(p.blankFile, /description must not be empty/),
      { name: 'both descriptions', options: { '--description-file': p.plainFile }, names: /not both/ },
      { name: 'no description', options: { '--description': null }, names: /a description is needed/ },
      {
        name: 'NUL description',
        options: { '--description': 'do\x00this' },
        names: /description must not contain NUL/,
      },
      { name: 'blank description', options: { '--description': ' \n\t ' }, names: /description must not be empty/ },
    ],
    repo: [
      [p.plainFile, /is not a directory/],
      ['/dev/null', /is not a directory/],
      [p.fifo, /is not a directory/],
      ['/dev/zero', /is not a directory/],
      ['/nonexistent/repo', /does not exist/],
      [p.plainDir, /is not a git repository/],
      ['', /repo must name a git repository path/],
      ['repo\x1b[31m', /repo must not contain control characters/],
      ['/proc/self', /is not a git repository/],
    ].map(([v, names]) => option('--repo', v as string, names as RegExp)),
    base: [
      ['develop', /has no branch "develop"/],
      ['-x', /baseBranch/],
      ['a..b', /baseBranch/],
      ['main\x1b', /baseBranch/],
      ['', /baseBranch/],
      [' ', /baseBranch/],
      ['mä in', /baseBranch/],
    ].map(([v, names]) => option('--base', v as string, names as RegExp)),
    model: [
      ['gpt', /model "gpt" is not configured/],
      ['__proto__', /model "__proto__" is not configured/],
      ['constructor', /model "constructor" is not configured/],
      ['', /model must not be empty/],
      ['local\x1b', /model must not contain control characters/],
      ['toString', /model "toString" is not configured/],
    ].map(([v, names]) => option('--model', v as string, names as RegExp)),
    usage: [
      { name: 'unknown option', extra: ['--bogus'], names: /unknown option '--bogus'/ },
      { name: 'stray argument', extra: ['stray'], names: /too many arguments|unknown command/ },
      { name: 'no title', options: { '--title': null }, names: /required option '--title <text>' not specified/ },
      {
        name: 'title without value',
        options: { '--title': null },
        extra: ['--title'],
        names: /option '--title <text>' argument missing/,
      },
    ],
  };
}

function configMutations(p: FuzzPaths): Mutation[] {
  const env = (name: string, value: string, names: RegExp = new RegExp(name)): Mutation => ({
    name: `${name}=${JSON.stringify(value).slice(0, 40)}`,
    env: { [name]: value },
    names,
  });
  return [
    ...[
      'localhost:99999',
      'localhost:0',
      'localhost:65536',
      'localhost:-1',
      ':7233',
      'host:',
      '[::1]',
      '::1:7233',
      '[zz]:1',
      'a b:1',
      'http://h:1',
      'h:1:2',
      '',
    ].map((v) => env('TEMPORAL_ADDRESS', v)),
    ...['3', '0', '-1', '7', '8193', '1.5', '1e309', 'NaN', 'abc', '65536', '1e6'].map((v) =>
      env('SWARM_EMBEDDING_DIMENSIONS', v),
    ),
    ...['2147484', '1e12', '1e309', 'NaN', '0', '-5', '1.5', 'soon'].map((v) => env('SWARM_CHECK_TIMEOUT_SECONDS', v)),
    ...['0', '-1', 'abc', '3000000', '1e309', 'NaN'].map((v) => env('SWARM_CLI_TIMEOUT_SECONDS', v)),
    ...['0', '-1', '3000000', 'NaN', 'x'].map((v): Mutation => ({
      name: `TURSO_SYNC_INTERVAL=${v}`,
      env: { SWARM_DB_MODE: 'replica', TURSO_DATABASE_URL: 'libsql://db.example', TURSO_SYNC_INTERVAL: v },
      names: /TURSO_SYNC_INTERVAL/,
    })),
    ...['cloud', '', 'LOCAL', 'local ', '__proto__'].map((v) => env('SWARM_DB_MODE', v)),
    ...['postgres://db', 'http://', 'libsql://db.example:70000', 'file:/tmp/x.db', 'db.example', 'http://a b'].map(
      (v) => env('TURSO_DATABASE_URL', v),
    ),
    ...['javascript:alert(1)', 'not a url', 'http://localhost:99999', 'ftp://h'].map((v) => env('TEMPORAL_UI_URL', v)),
    ...['ftp://models', 'localhost:11434', 'http://'].map((v) => env('SWARM_EMBEDDING_BASE_URL', v)),
    ...['word2vec', '', 'OFFLINE'].map((v) => env('SWARM_EMBEDDER', v)),
    ...['/proc/self/db/data.db', '/sys/data.db', '/dev/data.db', '/dev/null'].map((v) => env('SWARM_DB_PATH', v)),
    env('SWARM_DB_PATH', `${p.plainFile}/sub/data.db`, /SWARM_DB_PATH [^\n]+ its directory cannot be created/),
    env('SWARM_DB_PATH', p.plainDir, /SWARM_DB_PATH [^\n]+ is a directory/),
    env('SWARM_DB_PATH', p.fifo, /SWARM_DB_PATH [^\n]+ is a FIFO, device or socket/),
    ...['/proc/swarm', '/sys/kernel/swarm', '/dev/null/home'].map((v) => env('SWARM_HOME', v)),
    env('SWARM_WORKTREES_DIR', '/proc/self/wt'),
    ...['-x', 'a b', '', 'x'.repeat(65), 'q\x1b'].map((v) =>
      env('SWARM_TASK_QUEUE_PREFIX', v, /SWARM_TASK_QUEUE_PREFIX|taskQueuePrefix/),
    ),
    ...['gpt', '__proto__', 'Local'].map((v) => env('SWARM_DEFAULT_MODEL', v, /default model|defaultModel/)),
    ...[
      ['/dev/zero', /is a character device/],
      [p.fifo, /is a FIFO/],
      [p.plainDir, /is a directory/],
      ['/nonexistent.json', /does not exist/],
      [p.binaryFile, /NUL bytes/],
      [p.latin1File, /not valid UTF-8/],
      [p.bigFile, /more than the 1024 KB allowed/],
      [p.protoConfig, /__proto__/],
      [p.badJsonConfig, /cannot read config file/],
    ].map(([v, names]) => env('SWARM_CONFIG', v as string, names as RegExp)),
  ];
}

/** Every single mutation once, then `pairs` seeded pairs from different groups (both wrong: either may be named). */
export function generateCases(p: FuzzPaths, seed: number, pairs: number): FuzzCase[] {
  const groups = taskMutations(p);
  const config = configMutations(p);
  const base: Record<string, string | null> = { '--title': 'Add mul', '--description': 'write mul', '--repo': p.repo };
  const build = (mutations: Mutation[]): FuzzCase => {
    const options = { ...base };
    for (const m of mutations) Object.assign(options, m.options);
    const args = [
      'task',
      'create',
      ...Object.entries(options).flatMap(([flag, value]) => (value === null ? [] : [flag, value])),
      ...mutations.flatMap((m) => m.extra ?? []),
    ];
    return {
      name: mutations.map((m) => m.name).join(' + '),
      args,
      env: Object.assign({}, ...mutations.map((m) => m.env ?? {})),
      names: mutations.map((m) => m.names),
    };
  };
  const cases: FuzzCase[] = [];
  for (const mutation of Object.values(groups).flat()) cases.push(build([mutation]));
  const commands = [
    ['task', 'list'],
    ['status'],
    ['agents', 'list'],
    ['memory', 'list'],
    ['task', 'show', 'abcdef1234'],
  ];
  config.forEach((mutation, i) => {
    const { args, env, names } = build([mutation]);
    // Configuration is refused whatever the command; every other one uses a command that reads the database.
    cases.push({ name: mutation.name, args: i % 2 === 0 ? args : commands[i % commands.length]!, env, names });
  });
  const random = prng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const names = Object.keys(groups);
  for (let i = 0; i < pairs; i++) {
    const first = pick(names);
    const second = pick(names.filter((n) => n !== first));
    const mutations = [pick(groups[first]!), pick(groups[second]!)];
    if (random() < 0.3) mutations.push(pick(config));
    cases.push(build(mutations));
  }
  return cases;
}
