import { spawn, execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../client/temporal-dev-server.js';
import { createFixtureRepo, MUL, MUL_TEST, nodeProjectFiles, writeBlock } from '../helpers/fixture-repo.js';
import { tempDir, testProcessEnv } from '../helpers/test-env.js';

const SWARM_BIN = fileURLToPath(new URL('../../bin/swarm.js', import.meta.url));
const run = promisify(execFile);

/** A stand-in OTLP/HTTP collector: keeps the body of every trace export it receives. */
async function otlpCollector(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, bodies };
}

describe('worker metrics and traces', () => {
  const home = tempDir('telemetry');
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('serves Prometheus metrics (the Temporal runtime and the swarm) and exports activity spans over OTLP', async () => {
    const collector = await otlpCollector();
    const metricsPort = await freePort();
    const env = {
      ...process.env,
      ...testProcessEnv(home),
      SWARM_METRICS_PORT: String(metricsPort),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url,
    };
    const worker = spawn(process.execPath, [SWARM_BIN, 'worker', '--model', 'local'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await expect.poll(() => output, { timeout: 60_000, interval: 200 }).toMatch(/worker \S+ serving/);
      expect(output).toContain(`metrics on http://127.0.0.1:${metricsPort}/metrics`);
      const repo = await createFixtureRepo(tempDir('telemetry-repo'), nodeProjectFiles());
      const description = [writeBlock('src/mul.js', MUL), writeBlock('test/mul.test.js', MUL_TEST)].join('\n');
      await run(
        process.execPath,
        [SWARM_BIN, 'task', 'create', '--title', 'mul', '--description', description, '--repo', repo, '--wait'],
        { env },
      );

      const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(scrape).toMatch(/^swarm_tasks\{status="succeeded"\} 1$/m);
      expect(scrape).toMatch(/^swarm_attempts\{model_type="local",status="checks_passed"\} 1$/m);
      expect(scrape).toMatch(/^swarm_gate_verdicts\{verdict="pass"\} [1-9]/m);
      expect(scrape).toMatch(/^swarm_tokens\{model_type="local",direction="input"\} [1-9]\d*$/m);
      expect(scrape).toMatch(/^swarm_cost_usd\{model_type="local"\} 0$/m);
      expect(scrape).toMatch(/^swarm_landing_waiting_tasks 0$/m);
      // The SDK runtime's own metrics, from the same scrape.
      expect(scrape).toMatch(/^temporal_activity_execution_latency\S* /m);
      expect(scrape).toMatch(/^temporal_workflow_completed_total\{/m);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/nope`)).status).toBe(404);

      await expect
        .poll(() => collector.bodies.join('\n'), { timeout: 15_000, interval: 250 })
        .toMatch(/RunActivity:agentTurn[\s\S]*RunActivity:runChecks|RunActivity:runChecks[\s\S]*RunActivity:agentTurn/);
    } finally {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
      collector.server.close();
    }
  }, 120_000);
});
