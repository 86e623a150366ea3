import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { DefaultLogger, Runtime, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { Gauge, Registry } from 'prom-client';
import type { SwarmConfig } from '../config/config.js';
import type { Store } from '../db/index.js';

/** A port free right now on the loopback interface, for the runtime's private exporter. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Installs the Temporal runtime of a worker process (once, before any connection or worker): its
 * own Prometheus exporter on a private port when metrics are on, which the swarm's endpoint
 * (serveMetrics) merges into one scrape.
 */
export async function installWorkerRuntime(config: SwarmConfig): Promise<{ runtimeMetricsUrl: string | null }> {
  if (config.observability.metricsPort === null) return { runtimeMetricsUrl: null };
  const port = await freeLoopbackPort();
  Runtime.install({
    logger: new DefaultLogger('INFO'),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true } } },
  });
  return { runtimeMetricsUrl: `http://127.0.0.1:${port}/metrics` };
}

/** The swarm's own metrics, read from the database at each scrape (the same numbers from every worker). */
export function swarmMetricsRegistry(store: Store): Registry {
  const registry = new Registry();
  let pending: ReturnType<Store['stats']['swarmStats']> | null = null;
  // One database read per scrape, shared by every gauge's collect.
  const stats = () => {
    pending ??= store.stats.swarmStats().finally(() => setTimeout(() => (pending = null), 0));
    return pending;
  };
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (g: Gauge, s: Awaited<ReturnType<typeof stats>>) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        fill(this, await stats());
      },
    });
  gauge('swarm_tasks', 'Tasks by status', ['status'], (g, s) => {
    for (const [status, n] of Object.entries(s.tasksByStatus)) g.set({ status }, n);
  });
  gauge('swarm_attempts', 'Agent attempts by model type and status', ['model_type', 'status'], (g, s) => {
    for (const a of s.attempts) g.set({ model_type: a.modelType, status: a.status }, a.count);
  });
  gauge('swarm_gate_verdicts', 'Quality gate verdicts of attempts', ['verdict'], (g, s) => {
    g.set({ verdict: 'pass' }, s.gateVerdicts.pass);
    g.set({ verdict: 'regression' }, s.gateVerdicts.regression);
  });
  gauge('swarm_tokens', 'Model tokens used, by model type and direction', ['model_type', 'direction'], (g, s) => {
    for (const u of s.usageByModel) {
      g.set({ model_type: u.modelType, direction: 'input' }, u.inputTokens);
      g.set({ model_type: u.modelType, direction: 'output' }, u.outputTokens);
    }
  });
  gauge('swarm_cost_usd', 'Model cost in USD, by model type', ['model_type'], (g, s) => {
    for (const u of s.usageByModel) g.set({ model_type: u.modelType }, u.costUsd);
  });
  gauge('swarm_model_calls', 'Model calls, by model type', ['model_type'], (g, s) => {
    for (const u of s.usageByModel) g.set({ model_type: u.modelType }, u.calls);
  });
  gauge('swarm_landing_waiting_tasks', 'Tasks whose gate passed, waiting to land', [], (g, s) =>
    g.set(s.landing.waiting),
  );
  gauge('swarm_landing_oldest_wait_seconds', 'How long the oldest task waiting to land has waited', [], (g, s) =>
    g.set(s.landing.oldestWaitSeconds),
  );
  return registry;
}

/** Serves `GET /metrics`: the swarm's metrics, then the Temporal runtime's. Returns the bound port. */
export async function serveMetrics(
  config: SwarmConfig,
  registry: Registry,
  runtimeMetricsUrl: string | null,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found: scrape /metrics\n');
      return;
    }
    void (async () => {
      try {
        const own = await registry.metrics();
        const runtime = runtimeMetricsUrl
          ? await fetch(runtimeMetricsUrl, { signal: AbortSignal.timeout(5_000) })
              .then((r) => r.text())
              .catch(() => '')
          : '';
        res.writeHead(200, { 'content-type': registry.contentType }).end(own + '\n' + runtime);
      } catch (err) {
        res.writeHead(500).end(`metrics unavailable: ${(err as Error).message}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.observability.metricsPort!, config.observability.metricsHost, () => resolve());
  });
  server.unref();
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * OpenTelemetry tracing when an OTLP endpoint is configured: a tracer provider exporting over
 * OTLP/HTTP, and the activity interceptors that put every activity in a span (linked to the
 * workflow's trace when the client started it with the tracing interceptor). Loaded only then.
 */
export async function startTracing(
  config: SwarmConfig,
  serviceName: string,
): Promise<{ activityInterceptors: ActivityInterceptorsFactory[]; shutdown: () => Promise<void> } | null> {
  const url = config.observability.otlpEndpoint;
  if (!url) return null;
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }, otel] = await Promise.all(
    [
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@temporalio/interceptors-opentelemetry'),
    ],
  );
  const provider = new NodeTracerProvider({
    resource: new Resource({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1_000 })],
  });
  provider.register();
  return {
    activityInterceptors: [
      (ctx) => ({
        inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    shutdown: () => provider.shutdown(),
  };
}
