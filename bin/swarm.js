#!/usr/bin/env node
// The `swarm` CLI. Runs the compiled build (`npm run build`, dist/) when it is there and newer than
// every source file; otherwise (a fresh clone, or sources edited since) the TypeScript sources
// through tsx's loader. SWARM_FROM_SOURCE=1 forces the sources. Each command imports the modules it
// needs when it runs, so `--help` loads little more than commander.
import { compiledEntry } from './compiled-entry.js';

const compiled = process.env.SWARM_FROM_SOURCE === '1' ? null : compiledEntry('client/run-cli.js');
let runCli;
if (compiled) ({ runCli } = await import(compiled));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../client/run-cli.ts'));
}
process.exitCode = await runCli(process.argv.slice(2));
// A call abandoned after its timeout (a database or Temporal that stopped answering) may still hold
// a socket open: it must not keep the process alive. The timer itself keeps nothing alive.
setTimeout(() => process.exit(), 200).unref();
