import { execFile } from 'node:child_process';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homedir } from 'node:os';
import { runCommand } from '../../process/run-command.js';
import { DEFAULT_SANDBOX_LIMITS } from '../../process/sandbox.js';
import { sandboxSettings, taskSandbox } from '../../process/task-sandbox.js';
import { parseRepoLocation } from '../../tasks/repo-location.js';
import { taskSpecSchema } from '../../tasks/task-spec.js';
import { combineOnBase, baseContains } from '../../workspace/merge-batch.js';
import { mergeBaseKeepingConflicts } from '../../workspace/merge-conflict.js';
import { remoteAccess, type RemoteAccess } from '../../workspace/remote-access.js';
import { RemoteRefusedError, RemoteUnavailableError } from '../../workspace/remote-error.js';
import { resolveRepoTarget } from '../../workspace/repo-target.js';
import {
  advanceBase,
  commitAll,
  landOnBase,
  prepareWorktree,
  resetToCheckpoint,
  syncWithBase,
  withDetachedCheckout,
} from '../../workspace/worktree.js';
import { createBareRepo, refusePushesTo, startGitServer, type GitServer } from '../helpers/git-server.js';

const run = promisify(execFile);
/** git on the server's bare repository itself (what the remote holds). */
const onServer = async (bare: string, args: string[]) =>
  (await run('git', args, { cwd: bare, env: { PATH: process.env.PATH!, HOME: bare } })).stdout.trim();

/** One worker "machine": its own SWARM_HOME (mirrors) and worktrees dir. */
interface Machine {
  access: RemoteAccess;
  worktrees: string;
}

describe('repositories by remote URL (workspace room, real git smart-HTTP server)', () => {
  let dir: string;
  let server: GitServer;
  let guarded: GitServer;
  const TOKEN = 'tok-9f8e7d6c5b4a39281706';
  const machine = async (name: string, token: string | null = null): Promise<Machine> => ({
    access: remoteAccess(path.join(dir, name, 'home', 'mirrors'), {}, token ? { username: 'bot', value: token } : null),
    worktrees: path.join(dir, name, 'worktrees'),
  });
  const prepare = (m: Machine, url: string, id: string, base = 'main') =>
    prepareWorktree({
      repo: url,
      baseBranch: base,
      branch: `swarm/${id}`,
      worktreePath: path.join(m.worktrees, id),
      remote: m.access,
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'jetpack-remote-repo-'));
    server = await startGitServer({ root: path.join(dir, 'server') });
    guarded = await startGitServer({ root: path.join(dir, 'guarded'), auth: { username: 'bot', password: TOKEN } });
  });
  afterAll(async () => {
    await server.close();
    await guarded.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('parses, normalizes and refuses repository locations', () => {
    expect(parseRepoLocation('https://Example.COM/org/app.git/')).toEqual({
      kind: 'remote',
      url: 'https://example.com/org/app.git',
      scheme: 'https',
    });
    expect(parseRepoLocation('git@github.com:org/app.git')).toMatchObject({ kind: 'remote', scheme: 'ssh' });
    expect(parseRepoLocation('file:///srv/app.git')).toMatchObject({ url: 'file:///srv/app.git' });
    expect(parseRepoLocation('../myrepo')).toEqual({ kind: 'local', path: '../myrepo' });
    expect(parseRepoLocation('/abs/path')).toEqual({ kind: 'local', path: '/abs/path' });
    expect(() => parseRepoLocation('ext::sh -c touch% /tmp/pwned')).toThrow(/ext::.*not allowed/);
    expect(() => parseRepoLocation('ftp://host/app.git')).toThrow(/ftp:\/\/.*not allowed/);
    expect(() => parseRepoLocation('https://bot:hunter2secret@host/app.git')).toThrow(
      /password.*credential helper or git.tokenEnv/,
    );
    expect(() => parseRepoLocation('-oProxyCommand.x:repo')).toThrow(/must not begin with "-"/);
    expect(() => parseRepoLocation('ssh://-oProxyCommand=x/repo')).toThrow(/must not begin with "-"|not a valid/);
    const refused = taskSpecSchema.safeParse({ title: 't', description: 'd', repo: 'https://u:p4ssw0rd@h/x.git' });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error)).not.toContain('p4ssw0rd');
  });

  it('prepares a task from a URL into an empty SWARM_HOME, pushes each checkpoint, and another machine resumes from it', async () => {
    const bare = await createBareRepo(server.root, 'resume', { 'a.txt': 'a\n' });
    const url = server.url('resume');
    const one = await machine('one-resume');
    const prepared = await prepare(one, url, 't1');
    expect(prepared.baseSha).toBe(await onServer(bare, ['rev-parse', 'main']));
    expect(prepared.reused).toBe(false);
    const mirrors = await readdir(one.access.mirrorsDir);
    expect(mirrors.filter((m) => m.endsWith('.git'))).toHaveLength(1);

    await writeFile(path.join(prepared.worktreePath, 'b.txt'), 'b\n');
    const first = await commitAll(prepared.worktreePath, 'turn 1\n\nSwarm-Turn: t1/1/1');
    expect(await onServer(bare, ['rev-parse', 'refs/heads/swarm/t1'])).toBe(first!.sha);
    await writeFile(path.join(prepared.worktreePath, 'c.txt'), 'c\n');
    const second = await commitAll(prepared.worktreePath, 'turn 2\n\nSwarm-Turn: t1/1/2');
    expect(await onServer(bare, ['rev-parse', 'refs/heads/swarm/t1'])).toBe(second!.sha);

    // Machine two has never seen the repository: it resumes from the pushed checkpoint.
    const two = await machine('two-resume');
    const resumed = await prepare(two, url, 't1');
    expect(resumed.headSha).toBe(second!.sha);
    expect(await readFile(path.join(resumed.worktreePath, 'c.txt'), 'utf8')).toBe('c\n');
    // ...and can go back to a checkpoint machine one made (turn 2 rerun), which the remote then holds.
    const dropped = await resetToCheckpoint(resumed.worktreePath, first!.sha, 'Swarm-Turn');
    expect(dropped.map((d) => d.sha)).toEqual([second!.sha]);
    expect(await onServer(bare, ['rev-parse', 'refs/heads/swarm/t1'])).toBe(first!.sha);

    // Back on machine one (its local branch is stale): prepare follows the remote.
    const again = await prepare(one, url, 't1');
    expect(again.headSha).toBe(first!.sha);
    // Retried: nothing changes twice.
    expect(await commitAll(again.worktreePath, 'nothing')).toBeNull();
    expect(await onServer(bare, ['rev-parse', 'refs/heads/swarm/t1'])).toBe(first!.sha);
  });

  it('lands by push with compare-and-swap: of two machines landing at once, one sees base_moved, syncs and lands; no commit lost', async () => {
    const bare = await createBareRepo(server.root, 'race', { 'a.txt': 'a\n' });
    await onServer(bare, ['config', 'core.logAllRefUpdates', 'always']);
    const url = server.url('race');
    const [one, two] = [await machine('one-race'), await machine('two-race')];
    const w1 = await prepare(one, url, 'r1');
    const w2 = await prepare(two, url, 'r2');
    await writeFile(path.join(w1.worktreePath, 'one.txt'), '1\n');
    await writeFile(path.join(w2.worktreePath, 'two.txt'), '2\n');
    await commitAll(w1.worktreePath, 'one');
    await commitAll(w2.worktreePath, 'two');
    const land = (w: { worktreePath: string }) =>
      landOnBase({ repo: url, worktree: w.worktreePath, baseBranch: 'main', message: 'land' });
    const outcomes = await Promise.all([land(w1), land(w2)]);
    expect(
      outcomes.map((o) => o.status).sort(),
      JSON.stringify(outcomes) + (await onServer(bare, ['reflog', '--date=iso', 'main'])),
    ).toEqual(['base_moved', 'merged']);
    const loser = outcomes[0]!.status === 'base_moved' ? w1 : w2;
    expect((await syncWithBase(loser.worktreePath, url, 'main')).status).toBe('updated');
    expect((await land(loser)).status).toBe('merged');
    const files = await onServer(bare, ['ls-tree', '--name-only', 'main']);
    expect(files.split('\n').sort()).toEqual(['a.txt', 'one.txt', 'two.txt']);
    // Landing again (a retry whose report was lost) changes nothing.
    const tip = await onServer(bare, ['rev-parse', 'main']);
    expect((await land(loser)).status).toBe('merged');
    expect(await onServer(bare, ['rev-parse', 'main'])).toBe(tip);
  });

  it('merges the fetched base for a conflict resolution and pushes the conflict commit for whoever resumes', async () => {
    const bare = await createBareRepo(server.root, 'conflict', { 'a.txt': 'a\n' });
    const url = server.url('conflict');
    const [one, two] = [await machine('one-conflict'), await machine('two-conflict')];
    const w1 = await prepare(one, url, 'c1');
    const w2 = await prepare(two, url, 'c2');
    await writeFile(path.join(w1.worktreePath, 'a.txt'), 'one\n');
    await writeFile(path.join(w2.worktreePath, 'a.txt'), 'two\n');
    await commitAll(w1.worktreePath, 'one');
    await commitAll(w2.worktreePath, 'two');
    expect((await landOnBase({ repo: url, worktree: w1.worktreePath, baseBranch: 'main', message: 'm' })).status).toBe(
      'merged',
    );
    const merged = await mergeBaseKeepingConflicts(w2.worktreePath, url, 'main', 'c2/2');
    expect(merged).toMatchObject({ status: 'conflict', baseSha: await onServer(bare, ['rev-parse', 'main']) });
    const pushed = await onServer(bare, ['log', '-1', '--format=%B', 'refs/heads/swarm/c2']);
    expect(pushed).toContain('Swarm-Conflict: c2/2');
    // Retried (on another machine): starts over from the branch before it, the same effect once.
    const three = await machine('three-conflict');
    await prepare(three, url, 'c2');
    const again = await mergeBaseKeepingConflicts(path.join(three.worktrees, 'c2'), url, 'main', 'c2/2');
    expect(again.status).toBe('conflict');
    // One conflict commit on top of the task's own, not two.
    expect(await onServer(bare, ['log', '--format=%s', 'main..refs/heads/swarm/c2'])).toMatch(
      /^swarm: merge main into swarm\/c2 .*\ntwo$/,
    );
  });

  it('builds a merge-queue batch on one machine, tests it from a mirror on another, and lands it with a lease', async () => {
    const bare = await createBareRepo(server.root, 'queue', { 'a.txt': 'a\n' });
    const url = server.url('queue');
    const [one, two] = [await machine('one-queue'), await machine('two-queue')];
    const w = await prepare(one, url, 'q1');
    await writeFile(path.join(w.worktreePath, 'q.txt'), 'q\n');
    const head = (await commitAll(w.worktreePath, 'q'))!.sha;
    const batch = await combineOnBase(url, 'main', [{ key: 'q1', head, message: 'merge q1' }], two.access);
    expect(batch.heads[0]!.status).toBe('combined');
    const seen = await withDetachedCheckout(
      url,
      batch.tip,
      path.join(dir, 'checkouts'),
      (d) => readFile(path.join(d, 'q.txt'), 'utf8'),
      one.access,
    );
    expect(seen).toBe('q\n');
    expect(await baseContains(url, 'main', batch.tip, one.access)).toBe(false);
    expect(await advanceBase(url, 'main', batch.baseSha, batch.tip, 'land', one.access)).toBe('moved');
    expect(await onServer(bare, ['rev-parse', 'main'])).toBe(batch.tip);
    expect(await baseContains(url, 'main', batch.tip, two.access)).toBe(true);
    // Landing the same tip again changes nothing; a lease on the old base for another commit fails: base moved.
    expect(await advanceBase(url, 'main', batch.baseSha, batch.tip, 'land', two.access)).toBe('moved');
    expect(await advanceBase(url, 'main', batch.baseSha, head, 'land', two.access)).toBe('base_moved');
    expect(await onServer(bare, ['rev-parse', 'main'])).toBe(batch.tip);
  });

  it('fails a push the server refuses (hook) with the hook message, not retryable', async () => {
    const bare = await createBareRepo(server.root, 'guard', { 'a.txt': 'a\n' });
    await refusePushesTo(bare, 'refs/heads/main', 'main is protected: use a pull request');
    const url = server.url('guard');
    const m = await machine('refused');
    const w = await prepare(m, url, 'g1');
    await writeFile(path.join(w.worktreePath, 'g.txt'), 'g\n');
    await commitAll(w.worktreePath, 'g');
    const err = await landOnBase({ repo: url, worktree: w.worktreePath, baseBranch: 'main', message: 'm' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RemoteRefusedError);
    expect((err as RemoteRefusedError).kind).toBe('fatal');
    expect((err as Error).message).toContain('main is protected: use a pull request');
  });

  it('classifies failures: a missing repository or branch is refused (not retried), an unreachable or failing server is an outage', async () => {
    const m = await machine('failures');
    const missing = await prepare(m, server.url('does-not-exist'), 'f1').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(RemoteRefusedError);
    expect((missing as Error).message).toMatch(/repository not found/);
    await createBareRepo(server.root, 'nobase', { 'a.txt': 'a\n' });
    await expect(prepare(m, server.url('nobase'), 'f2', 'develop')).rejects.toThrow(/has no branch "develop"/);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await prepare(m, `http://127.0.0.1:${port}/app.git`, 'f3').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteUnavailableError);
    expect((refused as RemoteUnavailableError).kind).toBe('transient');

    const failing = http.createServer((_req, res) => res.writeHead(503).end('down for maintenance\n'));
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const { port: failingPort } = failing.address() as { port: number };
      const down = await prepare(m, `http://127.0.0.1:${failingPort}/app.git`, 'f4').catch((e: unknown) => e);
      expect(down).toBeInstanceOf(RemoteUnavailableError);
    } finally {
      failing.closeAllConnections();
      await new Promise<void>((resolve) => failing.close(() => resolve()));
    }
  });

  it('authenticates with a token through askpass; the token is in no config, worktree file or error', async () => {
    const bare = await createBareRepo(guarded.root, 'private', { 'a.txt': 'a\n' });
    const url = guarded.url('private');
    const m = await machine('token', TOKEN);
    const w = await prepare(m, url, 'p1');
    await writeFile(path.join(w.worktreePath, 'p.txt'), 'p\n');
    const pushed = await commitAll(w.worktreePath, 'p');
    expect(await onServer(bare, ['rev-parse', 'refs/heads/swarm/p1'])).toBe(pushed!.sha);
    expect(guarded.requests.some((r) => r.user === 'bot' && r.status === 200)).toBe(true);

    const mirror = path.join(
      m.access.mirrorsDir,
      (await readdir(m.access.mirrorsDir)).find((n) => n.endsWith('.git'))!,
    );
    const everything = await run('grep', ['-rlF', TOKEN, mirror, w.worktreePath, m.access.mirrorsDir]).catch(
      (e: { code?: number; stdout?: string }) => (e.code === 1 ? { stdout: '' } : Promise.reject(e)),
    );
    expect(everything.stdout).toBe('');
    expect((await stat(path.join(m.access.mirrorsDir, 'askpass.sh'))).mode & 0o777).toBe(0o700);

    // A wrong token: refused, not retried, and the message holds neither token.
    const wrong = await machine('wrong-token', 'not-the-token-123456');
    const err = await prepare(wrong, url, 'p2').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteRefusedError);
    expect((err as Error).message).toMatch(/authentication failed/);
    expect((err as Error).message).not.toContain('not-the-token-123456');
    expect((err as Error).message).not.toContain(TOKEN);
    // Without any credential the client's reachability check says so clearly.
    await expect(resolveRepoTarget(url, undefined, remoteAccess(path.join(dir, 'anon'), {}))).rejects.toThrow(
      /authentication failed/,
    );
  });

  it('a worktree from a mirror works with git inside the sandbox; SWARM_HOME and the token stay out of reach', async () => {
    await createBareRepo(guarded.root, 'sandboxed', { 'a.txt': 'a\n' });
    const m = await machine('sandbox', TOKEN);
    const w = await prepare(m, guarded.url('sandboxed'), 's1');
    const swarmHome = path.dirname(m.access.mirrorsDir);
    const settings = sandboxSettings({
      kind: 'bubblewrap',
      limits: DEFAULT_SANDBOX_LIMITS,
      swarmHome,
      workerHome: homedir(),
      sourceEnv: { ...process.env, GH_PAT: TOKEN },
    });
    const sandbox = await taskSandbox(settings, { key: 's1', worktree: w.worktreePath, network: false });
    const result = await runCommand({
      cwd: w.worktreePath,
      command: `git log --format=%s -1 && git status --short && env && ls ${m.access.mirrorsDir} 2>&1; cat ${path.join(m.access.mirrorsDir, 'askpass.sh')} 2>&1; touch ${path.join(m.access.mirrorsDir, 'x')} 2>&1; echo done`,
      sandbox,
      timeoutMs: 30_000,
      outputLimitBytes: 64 * 1024,
    });
    expect(result.output).toContain('fixture');
    expect(result.output).not.toContain(TOKEN);
    expect(result.output).not.toContain('SWARM_GIT_ASKPASS');
    expect(result.output).not.toContain('printf');
    expect(result.output).toMatch(/done\s*$/);
    expect(existsSync(path.join(m.access.mirrorsDir, 'x'))).toBe(false);
  });

  it('resolves a URL submission: normalized URL, base branch from the remote HEAD, missing branch refused', async () => {
    const bare = await createBareRepo(server.root, 'submit', { 'a.txt': 'a\n' });
    const access = remoteAccess(path.join(dir, 'client-mirrors'), {});
    const target = await resolveRepoTarget(`${server.url('submit')}/`, undefined, access);
    expect(target).toEqual({
      repo: server.url('submit'),
      baseBranch: 'main',
      baseSha: await onServer(bare, ['rev-parse', 'main']),
    });
    await expect(resolveRepoTarget(server.url('submit'), 'nope', access)).rejects.toThrow(/has no branch "nope"/);
    await expect(resolveRepoTarget(server.url('missing'), undefined, access)).rejects.toThrow(
      /repository not found|reaching/,
    );
  });
});
