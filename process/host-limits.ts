import { readFileSync } from 'node:fs';
import type { SandboxLimits } from './sandbox-policy.js';

const MB = 1024 * 1024;

/** Rows of /proc/self/limits and the limit each one bounds, with the unit conversion to ours. */
const ROWS: Record<string, { key: keyof SandboxLimits; toUnit: (value: number) => number }> = {
  'Max data size': { key: 'memoryMb', toUnit: (bytes) => Math.floor(bytes / MB) },
  'Max file size': { key: 'fileSizeMb', toUnit: (bytes) => Math.floor(bytes / MB) },
  'Max cpu time': { key: 'cpuSeconds', toUnit: (seconds) => seconds },
  'Max open files': { key: 'openFiles', toUnit: (files) => files },
  'Max processes': { key: 'processes', toUnit: (processes) => processes },
};

/** The worker's own hard limits, in our units; missing when unlimited or unknown (no /proc). */
export function hostHardLimits(limitsText?: string): Partial<SandboxLimits> {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return {};
    }
  }
  const hard: Partial<SandboxLimits> = {};
  for (const line of text.split('\n')) {
    const name = Object.keys(ROWS).find((row) => line.startsWith(row));
    if (!name) continue;
    const [, hardValue] = line.slice(name.length).trim().split(/\s+/);
    if (hardValue === undefined || hardValue === 'unlimited' || !/^\d+$/.test(hardValue)) continue;
    const row = ROWS[name]!;
    hard[row.key] = row.toUnit(Number(hardValue));
  }
  return hard;
}

/**
 * The limits lowered to the worker's hard limits: the sandbox holds no capabilities, so prlimit
 * could not raise a limit above them and the command would not start at all.
 */
export function clampToHost(limits: SandboxLimits, hard: Partial<SandboxLimits> = hostHardLimits()): SandboxLimits {
  const clamped = { ...limits };
  for (const key of Object.keys(clamped) as (keyof SandboxLimits)[]) {
    const ceiling = hard[key];
    if (ceiling !== undefined) clamped[key] = Math.min(clamped[key], ceiling);
  }
  return clamped;
}
