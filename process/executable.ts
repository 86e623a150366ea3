import { constants } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Sandbox } from './sandbox-policy.js';

/** The absolute path `command` runs as: itself when it names a path, else the first executable match on PATH. */
export async function findExecutable(
  command: string,
  pathValue: string | undefined,
  cwd: string,
): Promise<string | null> {
  const candidates = command.includes('/')
    ? [path.resolve(cwd, command)]
    : (pathValue ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return null;
}

const isInside = (child: string, parent: string) => child === parent || child.startsWith(`${parent}${path.sep}`);

/**
 * What must be readable for a program to run: its directory, or for an npm install (a path through
 * `node_modules`) the whole install, whose other packages it loads (Codex's launcher finds its
 * native binary in a sibling package).
 */
export function installRootOf(real: string): string {
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = real.indexOf(marker);
  return at > 0 ? real.slice(0, at) : path.dirname(real);
}

/**
 * A program (e.g. a coding-agent CLI) found on the host, made runnable in the sandbox: when it
 * lies in a hidden directory (installed in the worker's HOME), its install is bound read-only and
 * it is started by its real path. Null when the host has no such program.
 */
export async function exposeExecutable(
  sandbox: Sandbox,
  command: string,
  cwd: string,
): Promise<{ sandbox: Sandbox; command: string } | null> {
  const found = await findExecutable(command, sandbox.env.PATH, cwd);
  if (!found) return null;
  const real = await realpath(found);
  // The sandbox's own /tmp (its scratch dir) covers the host's, so a program under /tmp is hidden too.
  const covered = [...sandbox.hidden, '/tmp'];
  if (sandbox.kind === 'none' || !covered.some((dir) => isInside(real, dir))) return { sandbox, command };
  return { sandbox: { ...sandbox, readOnly: [...sandbox.readOnly, installRootOf(real)] }, command: real };
}
