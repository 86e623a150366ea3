import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pins from '../../scripts/agent-clis.json' with { type: 'json' };

export type AgentCliName = keyof typeof pins;

const INSTALLER = path.resolve(import.meta.dirname, '../../scripts/install-agent-clis.mjs');

/**
 * The real CLI's executable at its pinned version, from the user-level cache (`npm run setup`
 * installs it; a test run without setup installs it here, once).
 */
export function agentCli(name: AgentCliName): string {
  return execFileSync(process.execPath, [INSTALLER, name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

export const agentCliVersion = (name: AgentCliName) => pins[name].version;
