#!/usr/bin/env node
// The `swarm` CLI. Runs the TypeScript sources directly through tsx's loader; each command
// imports the modules it needs when it runs, so `--help` loads little more than commander.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../client/run-cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
// A call abandoned after its timeout (a database or Temporal that stopped answering) may still hold
// a socket open: it must not keep the process alive. The timer itself keeps nothing alive.
setTimeout(() => process.exit(), 200).unref();
