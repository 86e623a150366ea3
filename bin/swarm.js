#!/usr/bin/env node
// The `swarm` CLI. Runs the TypeScript sources directly through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../client/cli.ts');
