import { z } from 'zod';
import { collectQuality } from './collect-quality.js';
import { detectQualityChecks } from './detect-checks.js';
import { checkOptions, installGateDependencies, type GateCommandOptions } from './gate-commands.js';
import { throwIfCancelled, type GateProgress } from './gate-context.js';
import { qualityPolicySchema, resolvePolicy } from './policy.js';
import { readRepoConfig } from './repo-config.js';
import { checkKindSchema, reportFormatSchema, type QualitySnapshot } from './snapshot.js';

/** The checks and policy a task is judged by, read from its base commit so the agent cannot loosen its own gate. */
export const qualityGateSchema = z.object({
  checks: z.array(
    z.object({
      name: z.string(),
      kind: checkKindSchema,
      format: reportFormatSchema,
      command: z.string(),
      coverage: z.boolean(),
      after: z.string().optional(),
    }),
  ),
  policy: qualityPolicySchema,
});
export type QualityGate = z.infer<typeof qualityGateSchema>;

export function readQualityGate(dir: string): QualityGate {
  return { checks: detectQualityChecks(dir), policy: resolvePolicy(readRepoConfig(dir)?.quality) };
}

/**
 * The baseline side of the gate: installs the dependencies of a checkout of the base branch if
 * needed and runs every check of the gate there. Throws the cancellation reason when `progress`
 * is cancelled, even after the last check: a cancelled run's results are no baseline.
 */
export async function collectBaseline(
  options: GateCommandOptions & { gate: QualityGate },
  progress: GateProgress = {},
): Promise<QualitySnapshot> {
  await installGateDependencies(options, progress);
  const snapshot = await collectQuality(options.gate.checks, checkOptions(options, progress));
  throwIfCancelled(progress.signal);
  return snapshot;
}

/** collectBaseline without progress, by its former name (`swarm quality baseline` calls it so). */
export function collectSnapshot(gate: QualityGate, options: GateCommandOptions): Promise<QualitySnapshot> {
  return collectBaseline({ ...options, gate });
}
