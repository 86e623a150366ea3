import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliContext } from '../../client/cli-context.js';
import { runCli } from '../../client/run-cli.js';
import { temporalCliPath } from '../../client/temporal-cli.js';
import { freePort, startDevServer } from '../../client/temporal-dev-server.js';
import { createFixtureRepo, nodeProjectFiles } from '../helpers/fixture-repo.js';
import { tempDir, testProcessEnv } from '../helpers/test-env.js';
import { capturedIo } from '../helpers/captured-cli.js';

/** A private Temporal dev server, so it can be stopped (SIGSTOP) without touching the shared one. */
describe('the CLI against a Temporal server that stops answering', () => {
  let dir: string;
  let server: ChildProcess;
  let env: Record<string, string>;
  let repo: string;
  beforeAll(async () => {
    dir = tempDir('stopped-temporal');
    const port = await freePort();
    server = await startDevServer({
      cliPath: temporalCliPath(process.env.TEMPORAL_CLI_PATH),
      port,
      dbFile: path.join(dir, 'temporal.db'),
      logFile: path.join(dir, 'temporal.log'),
      detached: false,
    });
    env = {
      ...testProcessEnv(path.join(dir, 'home')),
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      SWARM_CLI_TIMEOUT_SECONDS: '2',
    };
    repo = await createFixtureRepo(path.join(dir, 'repo'), nodeProjectFiles());
  });
  afterAll(() => {
    server?.kill('SIGCONT');
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const capture = () => capturedIo(env, dir);

  it('bounds each call once connected, and the connection itself, by SWARM_CLI_TIMEOUT_SECONDS, naming the server', async () => {
    const { io, out } = capture();
    expect(
      await runCli(['task', 'create', '--title', 'to cancel', '--description', 'd', '--repo', repo, '--json'], io),
    ).toBe(0);
    const { id } = JSON.parse(out.stdout) as { id: string };

    const ctx = new CliContext(capture().io);
    try {
      const client = await ctx.client();
      server.kill('SIGSTOP');
      const started = Date.now();
      const failed = await client.cancelTask(id).catch((err: unknown) => err);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect((ctx.explain(failed) as Error).message).toBe(
        `Temporal at ${env.TEMPORAL_ADDRESS} did not answer within 2 s (SWARM_CLI_TIMEOUT_SECONDS)`,
      );
    } finally {
      await ctx.close();
    }

    const again = capture();
    const started = Date.now();
    expect(await runCli(['task', 'cancel', id], again.io)).toBe(1);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(again.out.stderr).toMatch(
      new RegExp(
        `^swarm: error: cannot reach Temporal at ${env.TEMPORAL_ADDRESS} \\(start it with "swarm start"\\): [^\\n]+\\n$`,
      ),
    );
    server.kill('SIGCONT');
  });
});
