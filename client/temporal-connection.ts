import { Client, Connection } from '@temporalio/client';
import type { SwarmConfig } from '../config/config.js';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';

export async function connectTemporal(config: SwarmConfig): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '5s' });
  } catch (err) {
    throw new Error(`cannot reach Temporal at ${config.temporal.address} (start it with "swarm start"): ${(err as Error).message}`, { cause: err });
  }
  return new Client({ connection, namespace: config.temporal.namespace });
}

/** Registers the project's search attributes on a server that lacks them (servers we start get them by flag). */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<string[]> {
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return [];
  await client.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
  });
  return missing.map((key) => key.name);
}
