// Whether the compiled build in dist/ is current: its stamp (written last by scripts/build.js) is
// newer than every TypeScript source of the project's rooms. A few hundred stat calls: about 2 ms.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', 'test', 'bench', 'scripts', 'bin', 'docs', '.git', '.swarm']);

function newestSource(dir, depth = 0) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || (depth === 0 && SKIP.has(entry.name))) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full, depth + 1));
    else if (depth > 0 && /\.(ts|md|html|css|js)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The file URL of `dist/<file>` when the build is current; otherwise null. */
export function compiledEntry(file) {
  try {
    const built = statSync(path.join(root, 'dist/.built')).mtimeMs;
    if (built < newestSource(root)) return null;
    return pathToFileURL(path.join(root, 'dist', file)).href;
  } catch {
    return null;
  }
}
