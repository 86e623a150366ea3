// `npm run bench -- <name> [args]` runs bench/<name>.ts; without a name, lists the benchmarks.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const dir = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''));
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|') || 'none yet'}> [args]`);
  process.exit(name ? 2 : 0);
}
process.argv = [process.argv[0]!, path.join(dir, `${name}.ts`), ...args];
await import(pathToFileURL(path.join(dir, `${name}.ts`)).href);
