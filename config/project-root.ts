import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when this code runs from the compiled build (`dist/`), not from the TypeScript sources. */
export const COMPILED = import.meta.url.endsWith('.js');

/** The project's top directory (the one with package.json), from the sources or from `dist/`. */
export const PROJECT_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
})();
