#!/usr/bin/env node
// Runs a TypeScript entry point of this project: `node bin/run-ts.js bench/run.ts [args]`.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bin/run-ts.js <file.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...args];
register();
await import(pathToFileURL(path.resolve(entry)).href);
