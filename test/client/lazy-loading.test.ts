import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir, testProcessEnv } from '../helpers/test-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROOT_URL = pathToFileURL(ROOT).href;
const SWARM_BIN = path.join(ROOT, 'bin/swarm.js');
const RECORDER = fileURLToPath(new URL('./fixtures/record-loads.mjs', import.meta.url));
const run = promisify(execFile);

/** Runs the real `swarm` entry point with a loader hook that records every module URL it loads. */
async function swarmLoads(args: string[], env: Record<string, string> = {}) {
  const dir = tempDir('loads');
  const file = path.join(dir, 'loads.txt');
  try {
    let result: { code: number; stdout: string; stderr: string };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', RECORDER, SWARM_BIN, ...args], {
        env: { ...process.env, ...env, RECORD_LOADS_FILE: file },
      });
      result = { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
    return { ...result, loaded: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const inPackage = (name: string) => (url: string) => url.includes(`/node_modules/${name}/`);
/** The project's own module, from the sources or from the compiled build (bin/swarm.js runs dist/ when it is current). */
const inProject = (dir: string) => (url: string) =>
  url.startsWith(ROOT_URL + dir) || url.startsWith(ROOT_URL + 'dist/' + dir);

/** What help must not load: the Temporal SDK, the AI SDKs, the database, and the worker/agent/model/memory code. */
const HEAVY: Array<[string, (url: string) => boolean]> = [
  ['@temporalio/worker', inPackage('@temporalio/worker')],
  ['@temporalio/client', inPackage('@temporalio/client')],
  ['@temporalio/workflow', inPackage('@temporalio/workflow')],
  ['ai', inPackage('ai')],
  ['@ai-sdk/*', inPackage('@ai-sdk')],
  ['@libsql/client', inPackage('@libsql/client')],
  ['workers/', inProject('workers/')],
  ['workflows/', inProject('workflows/')],
  ['activities/', inProject('activities/')],
  ['agent/', inProject('agent/')],
  ['models/', inProject('models/')],
  ['db/', inProject('db/')],
  ['memory embedders', (url) => inProject('memory/')(url) && /embedder|open-memory|memory-store|index\.ts/.test(url)],
];

const heavyIn = (loaded: string[]) => HEAVY.filter(([, matches]) => loaded.some(matches)).map(([name]) => name);

describe('swarm --help loads only the command tree', () => {
  it.each([[['--help']], [['task', '--help']], [['worker', '--help']], [['start', '--help']], [['help', 'memory']]])(
    'swarm %j prints help without loading Temporal, the AI SDKs or the workers',
    async (args) => {
      const { code, stdout, stderr, loaded } = await swarmLoads(args);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: swarm/);
      // The recorder sees both the project's TypeScript files and packages in node_modules ...
      expect(loaded.some(inProject('client/program.'))).toBe(true);
      expect(loaded.some(inPackage('commander'))).toBe(true);
      // ... and none of the heavy ones.
      expect(heavyIn(loaded)).toEqual([]);
    },
  );

  it('does load the worker runtime for "swarm worker", so the recorder would have seen it', async () => {
    const home = tempDir('loads-home');
    try {
      const { code, stderr, loaded } = await swarmLoads(['worker', '--model', 'constructor'], testProcessEnv(home));
      expect(stderr).toMatch(/model type "constructor" is not configured/);
      expect(code).toBe(2);
      expect(heavyIn(loaded)).toEqual(expect.arrayContaining(['@temporalio/worker', 'workers/', 'db/']));
      expect(loaded.some(inProject('workers/task-worker.'))).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('"swarm task list" reads the database without loading Temporal, the AI SDKs or the worker stack', async () => {
    const home = tempDir('loads-list');
    try {
      const { code, stdout, stderr, loaded } = await swarmLoads(['task', 'list'], testProcessEnv(home));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/no tasks yet/);
      expect(loaded.some(inPackage('@libsql/client'))).toBe(true);
      const allowed = new Set(['@libsql/client', 'db/', 'workers/']);
      expect(heavyIn(loaded).filter((name) => !allowed.has(name))).toEqual([]);
      // The store opens as a worker opens it (workers/swarm-store.ts), and nothing else of workers/.
      expect(loaded.filter(inProject('workers/')).map((u) => u.replace(/.*workers\//, ''))).toEqual([
        expect.stringMatching(/^swarm-store\./),
      ]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
