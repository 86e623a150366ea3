import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/project-root.js';

const INSTALL_SCRIPT = path.join(PROJECT_ROOT, 'scripts/install-temporal.sh');

/**
 * Path of the pinned Temporal CLI: TEMPORAL_CLI_PATH / config when set, otherwise the project's
 * install script (which builds it once into the user cache and then only prints its path).
 */
export function temporalCliPath(configured?: string): string {
  if (configured) {
    if (!existsSync(configured)) throw new Error(`TEMPORAL_CLI_PATH points to ${configured}, which does not exist`);
    return configured;
  }
  try {
    return execFileSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .pop()!;
  } catch {
    throw new Error(`could not install the Temporal CLI (see the messages above from ${INSTALL_SCRIPT})`);
  }
}
