#!/usr/bin/env node
// `npm run build`: compiles the sources to dist/ (tsc), copies the files read at run time beside
// the compiled modules, and prebuilds the workflow bundle workers load instead of bundling at start.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
// Prompt templates are read at import time, relative to the module reading them.
for (const dir of ['agent/prompts', 'models/prompts', 'client/dashboard/public']) {
  if (existsSync(path.join(root, dir))) cpSync(path.join(root, dir), path.join(dist, dir), { recursive: true });
}
const { bundleWorkflows } = await import(path.join(dist, 'workers/workflow-bundle.js'));
writeFileSync(path.join(dist, 'workflow-bundle.js'), await bundleWorkflows());
// Written last: bin/swarm.js runs dist/ only when this stamp is newer than every source file.
writeFileSync(path.join(dist, '.built'), new Date().toISOString() + '\n');
console.log('built dist/ (compiled sources, assets, workflow bundle)');
