#!/usr/bin/env node
// The parts of scripts/cluster.sh that need the project's own TypeScript (so they exist once):
//   free-ports N        N distinct free TCP ports on 127.0.0.1 below 32768, one per line
//   models              the configured model types, one per line (config/config.ts)
//   dynamic-config      the Temporal dynamic config the dev server gets (client/temporal-dev-server.ts), as YAML
//   search-attributes   registers the project's search attributes through the configured connection
//                       (the TEMPORAL_CONFIG_FILE/TEMPORAL_PROFILE profile) and waits until visibility accepts them
import net from 'node:net';
import { register } from 'tsx/esm/api';

register();

function canListen(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Distinct free ports below 32768: Temporal stores its services' membership ports in a PostgreSQL
 * smallint, so the kernel's ephemeral ports (32768 and up) make the server fail at start.
 */
async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) {
    const port = 15000 + Math.floor(Math.random() * (32767 - 15000));
    if (!ports.has(port) && (await canListen(port))) ports.add(port);
  }
  return [...ports];
}

async function searchAttributes() {
  const { loadConfig } = await import('../config/config.ts');
  const { connectTemporal, ensureSearchAttributes } = await import('../client/temporal-connection.ts');
  const { ALL_SEARCH_ATTRIBUTES } = await import('../workflows/search-attributes.ts');
  const config = loadConfig(process.env);
  const client = await connectTemporal(config, { callTimeoutMs: 15_000 });
  const namespace = config.temporal.namespace;
  const added = await ensureSearchAttributes(client, namespace);
  if (added.length > 0) console.error(`cluster: registered search attributes ${added.join(', ')}`);
  // SQL visibility takes a moment before a new attribute can be queried: wait until each one is.
  const deadline = Date.now() + 60_000;
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    for (;;) {
      try {
        await client.workflow.count(`${key.name} IS NULL`);
        break;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`search attribute ${key.name} is still not usable: ${err.message}`, { cause: err });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  await client.connection.close();
}

const [command, arg] = process.argv.slice(2);
switch (command) {
  case 'free-ports':
    console.log((await freePorts(Number(arg))).join('\n'));
    break;
  case 'models': {
    const { loadConfig } = await import('../config/config.ts');
    console.log(Object.keys(loadConfig(process.env).models).join('\n'));
    break;
  }
  case 'dynamic-config': {
    const { DEV_SERVER_DYNAMIC_CONFIG } = await import('../client/temporal-dev-server.ts');
    for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) console.log(`${key}:\n  - value: ${value}`);
    break;
  }
  case 'search-attributes':
    await searchAttributes();
    break;
  default:
    console.error('usage: cluster-helper.mjs free-ports N | models | dynamic-config | search-attributes');
    process.exit(2);
}
