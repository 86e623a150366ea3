import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, vi } from 'vitest';
import type { AgentContext, AgentProgress, AgentRequest } from '../../../models/cli/index.js';
import type { Task } from '../../../tasks/task.js';
import { git } from '../../../workspace/git.js';
import { isRunning } from '../../helpers/processes.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/cli');

/** A scratch directory with a fresh git worktree (one committed file) per call. */
export async function createScratch(prefix: string) {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  let count = 0;
  return {
    root,
    file: (name: string) => path.join(root, name),
    async worktree(): Promise<string> {
      const dir = path.join(root, `worktree-${++count}`);
      await mkdir(dir);
      await writeFile(path.join(dir, 'README.md'), '# fixture\n');
      await git(dir, ['init', '--quiet', '--initial-branch', 'main']);
      await git(dir, ['add', '--all']);
      await git(dir, ['commit', '--quiet', '-m', 'fixture']);
      return dir;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

export function agentRequest(worktreePath: string, user = 'Add a greeting file.'): AgentRequest {
  // Only the fields the CLI adapters read matter here.
  const task = {
    id: 't-1',
    title: 'Add greeting',
    description: user,
    skills: ['general'],
    acceptanceCriteria: [],
  } as Partial<Task> as Task;
  return { task, attempt: 1, worktreePath, prompt: { system: 'You are a careful engineer.', user } };
}

export function collectingContext(signal: AbortSignal = new AbortController().signal) {
  const progress: AgentProgress[] = [];
  const context: AgentContext = { signal, heartbeat: vi.fn((p: AgentProgress) => void progress.push(p)) };
  return { context, progress };
}

/** Pids the hanging fixtures wrote; remembered so afterAll can kill leftovers of a failed test. */
const seenPids: number[] = [];

export async function readPids(file: string): Promise<{ cli: number; grandchild: number }> {
  await expect
    .poll(() => existsSync(file) && readFileSync(file, 'utf8').length > 0, { timeout: 10_000, interval: 25 })
    .toBe(true);
  const pids = JSON.parse(readFileSync(file, 'utf8')) as { cli: number; grandchild: number };
  seenPids.push(pids.cli, pids.grandchild);
  return pids;
}

export const expectGone = (pid: number) =>
  expect.poll(() => isRunning(pid), { timeout: 10_000, interval: 25 }).toBe(false);

export function killLeftovers(): void {
  for (const pid of seenPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export const TEST_SECRET = 'libsql-token-that-must-stay-home';

/**
 * Options pointing an adapter at a fixture CLI with a scenario, plus the files the fixture reports
 * through: its argv/prompt record and, for hanging scenarios, its pids.
 */
export function fixtureOptions(
  scratch: { file(name: string): string },
  fixture: string,
  scenario: string,
  keyEnv: Record<string, string>,
) {
  const id = `${fixture}-${scenario}-${Math.random().toString(36).slice(2, 8)}`;
  const pidFile = scratch.file(`${id}.pids.json`);
  const recordFile = scratch.file(`${id}.record.json`);
  return {
    pidFile,
    recorded: () =>
      JSON.parse(readFileSync(recordFile, 'utf8')) as { argv: string[]; cwd: string; prompt: string; via: string },
    options: {
      binary: path.join(FIXTURES, fixture),
      sourceEnv: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SWARM_TEST_SECRET: TEST_SECRET,
        FAKE_CLI_SCENARIO: scenario,
        FAKE_CLI_PIDS: pidFile,
        FAKE_CLI_RECORD: recordFile,
        ...keyEnv,
      },
      passEnv: ['FAKE_CLI_SCENARIO', 'FAKE_CLI_PIDS', 'FAKE_CLI_RECORD'],
      killGraceMs: 300,
    },
  };
}
