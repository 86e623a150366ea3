import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { runCli } from '../../client/run-cli.js';
import { git } from '../../workspace/git.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { tempDir, testProcessEnv } from '../helpers/test-env.js';
import { generateCases, type FuzzCase, type FuzzPaths } from './fuzz-cases.js';
import { capturedIo } from '../helpers/captured-cli.js';

/**
 * A few hundred generated variants of bad `swarm task create` input and bad configuration, run in
 * this process through runCli. Each must be refused with exit code 2 and one harmless line on
 * stderr naming the problem, no stack trace, nothing written (its private SWARM_HOME stays empty,
 * no workflow starts, the repository gets no branch) and no hang.
 */
const SEED = 0x5eed_0010;
const PAIRS = 150;
const CASE_TIMEOUT_MS = 10_000;

const TERMINAL_ACTS_ON = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('fuzzing task input and configuration', () => {
  const root = tempDir('fuzz');
  let paths: FuzzPaths;
  let cases: FuzzCase[];
  beforeAll(async () => {
    const file = (name: string, content: string | Buffer) => {
      const target = path.join(root, name);
      writeFileSync(target, content);
      return target;
    };
    const plainDir = path.join(root, 'plain-dir');
    mkdirSync(plainDir);
    const fifo = path.join(root, 'named.fifo');
    execFileSync('mkfifo', [fifo]);
    const zeroLink = path.join(root, 'zero-link.md');
    symlinkSync('/dev/zero', zeroLink);
    paths = {
      repo: await createFixtureRepo(path.join(root, 'repo'), nodeProjectFiles()),
      plainDir,
      plainFile: file('plain.txt', 'just text\n'),
      fifo,
      bigFile: file('big.md', 'x'.repeat(1024 * 1024 + 1)),
      nulFile: file('nul.md', 'write this\0and that\n'),
      latin1File: file('latin1.md', Buffer.from('caf\xe9 cr\xe8me\n', 'latin1')),
      binaryFile: file(
        'image.png',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xd8]),
      ),
      emptyFile: file('empty.md', ''),
      blankFile: file('blank.md', ' \n\t\n'),
      zeroLink,
      protoConfig: file('proto.json', '{"models":{"__proto__":{"adapter":"local"}}}'),
      badJsonConfig: file('bad.json', '{"models": '),
    };
    cases = generateCases(paths, SEED, PAIRS);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function refuse(c: FuzzCase): Promise<{ code: number; stdout: string; stderr: string; home: string }> {
    const home = mkdtempSync(path.join(root, 'home-'));
    const { io, out } = capturedIo(testProcessEnv(home, c.env), home);
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`hung for ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS)),
    );
    try {
      return { code: await Promise.race([runCli(c.args, io), hung]), ...out, home };
    } finally {
      clearTimeout(timer);
    }
  }

  it('refuses every case with exit 2 and one line naming the problem, writing nothing, within the time limit', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const started = Date.now();
    const failures: string[] = [];
    for (const c of cases) {
      const label = `${c.name} (swarm ${JSON.stringify(c.args).slice(0, 160)}, env ${JSON.stringify(c.env)})`;
      try {
        const { code, stdout, stderr, home } = await refuse(c);
        const problems = [
          code !== 2 && `exit code ${code}`,
          stdout !== '' && `stdout ${JSON.stringify(stdout.slice(0, 200))}`,
          !/^swarm: [^\n]+\n$/.test(stderr) && `not one "swarm: ..." line on stderr`,
          /^\s+at /m.test(stderr) && 'a stack trace',
          TERMINAL_ACTS_ON.test(stderr) && 'raw control characters',
          !c.names.some((names) => names.test(stderr)) && `does not name ${c.names.join(' or ')}`,
          readdirSync(home).length > 0 && `wrote ${readdirSync(home).join(', ')} in its home`,
        ].filter(Boolean);
        if (problems.length > 0)
          failures.push(`${label}: ${problems.join('; ')}; stderr ${JSON.stringify(stderr.slice(0, 300))}`);
      } catch (err) {
        failures.push(`${label}: ${(err as Error).message}`);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz: ${cases.length} cases (seed ${SEED}) in ${seconds.toFixed(1)} s`);
    expect(failures.slice(0, 20).join('\n')).toBe('');
    expect(failures).toHaveLength(0);

    // Nothing reached the repository or Temporal.
    expect(await git(paths.repo, ['branch', '--list', 'swarm/*'])).toBe('');
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const started: string[] = [];
      for await (const wf of new Client({ connection }).workflow.list({ query: `JetpackRepo = "${paths.repo}"` }))
        started.push(wf.workflowId);
      expect(started).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});
