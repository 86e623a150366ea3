import { z } from 'zod';
import type { Sandbox } from '../process/sandbox.js';
import { installDependencies } from '../workspace/dependencies.js';
import type { CollectOptions } from './collect-check.js';
import { collectQuality } from './collect-quality.js';
import { detectQualityChecks } from './detect-checks.js';
import { qualityPolicySchema, resolvePolicy } from './policy.js';
import { readRepoConfig } from './repo-config.js';
import { checkKindSchema, reportFormatSchema, type QualitySnapshot } from './snapshot.js';

/** The checks and policy a task is judged by, read from its base commit so the agent cannot loosen its own gate. */
export const qualityGateSchema = z.object({
  checks: z.array(z.object({ name: z.string(), kind: checkKindSchema, format: reportFormatSchema, command: z.string(), coverage: z.boolean() })),
  policy: qualityPolicySchema,
});
export type QualityGate = z.infer<typeof qualityGateSchema>;

export function readQualityGate(dir: string): QualityGate {
  return { checks: detectQualityChecks(dir), policy: resolvePolicy(readRepoConfig(dir)?.quality) };
}

/** Installs the repo's dependencies if needed, then runs every check of the gate in `options.worktree`. */
export async function collectSnapshot(
  gate: QualityGate,
  options: CollectOptions & { onInstallStart?: (pid: number) => void; installSandbox?: Sandbox },
): Promise<QualitySnapshot> {
  await installDependencies(options.worktree, { timeoutMs: options.timeoutMs, signal: options.signal, onStart: options.onInstallStart, sandbox: options.installSandbox });
  return collectQuality(gate.checks, options);
}
