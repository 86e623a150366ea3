#!/usr/bin/env node
// Installs the coding-agent CLIs the tests run for real (Claude Code, Codex, Gemini CLI) at the
// versions pinned in agent-clis.json, into a user-level cache:
//   <cache>/agent-clis/<name>/<version>/bin/<bin>
// A CLI whose pinned version is there already is skipped. npm's install scripts are denied: the
// native binaries arrive as platform packages, and bin/ links straight to them.
// Usage: node scripts/install-agent-clis.mjs [name ...]   (prints one bin path per line)
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const pins = JSON.parse(readFileSync(new URL('./agent-clis.json', import.meta.url), 'utf8'));
const cacheRoot =
  process.env.JETPACK_CACHE_DIR ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'jetpack-cloud');
const root = path.join(cacheRoot, 'agent-clis');

/** The executable inside an install: Claude Code's native binary (its npm bin is a stub the denied postinstall replaces), else npm's bin link. */
function executableIn(dir, name, pin) {
  if (name === 'claude-code') {
    const scope = path.join(dir, 'node_modules', '@anthropic-ai');
    const native = readdirSync(scope)
      .filter((entry) => entry.startsWith('claude-code-'))
      .map((entry) => path.join(scope, entry, 'claude'))
      .find((file) => existsSync(file));
    if (!native) throw new Error(`no native Claude Code binary for ${process.platform}-${process.arch} in ${scope}`);
    return native;
  }
  return path.join(dir, 'node_modules', '.bin', pin.bin);
}

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(pins);
for (const name of names) {
  const pin = pins[name];
  if (!pin) throw new Error(`unknown agent CLI "${name}" (known: ${Object.keys(pins).join(', ')})`);
  const dir = path.join(root, name, pin.version);
  const bin = path.join(dir, 'bin', pin.bin);
  if (!existsSync(bin)) {
    const started = Date.now();
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    writeFileSync(path.join(partial, 'package.json'), '{ "private": true }\n');
    process.stderr.write(`install-agent-clis: installing ${pin.package}@${pin.version} into ${dir}\n`);
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        partial,
        '--save-exact',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...(pin.omitOptional ? ['--omit=optional'] : []),
        `${pin.package}@${pin.version}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    mkdirSync(path.join(partial, 'bin'));
    const target = executableIn(partial, name, pin);
    symlinkSync(path.relative(path.join(partial, 'bin'), target), path.join(partial, 'bin', pin.bin));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.dirname(dir), { recursive: true });
    renameSync(partial, dir);
    process.stderr.write(
      `install-agent-clis: ${name} ${pin.version} installed in ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
  }
  process.stdout.write(`${bin}\n`);
}
