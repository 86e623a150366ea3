import { z } from 'zod';

export const severitySchema = z.enum(['error', 'warning', 'off']);
export type Severity = z.infer<typeof severitySchema>;

/**
 * How much each kind of regression matters. Only `error` blocks the gate; `warning` is reported;
 * `off` is dropped. A check that could not be collected (`checkError`) always blocks.
 */
export const qualityPolicySchema = z
  .object({
    newFailingTest: severitySchema.default('error'),
    newTypeError: severitySchema.default('error'),
    lintErrorIncrease: severitySchema.default('error'),
    lintWarningIncrease: severitySchema.default('warning'),
    buildBroken: severitySchema.default('error'),
    /** An exit-code-only check (other than build) that passed on the baseline fails now. */
    checkBroken: severitySchema.default('error'),
    /** A check of the baseline is no longer run, e.g. because its script was removed. */
    checkMissing: severitySchema.default('error'),
    coverageDrop: severitySchema.default('warning'),
    /** A coverage threshold of the repository's own config that the base reached is missed now. */
    coverageThreshold: severitySchema.default('error'),
    /**
     * A check fails on the base branch and shows no test counts, so it cannot judge the change:
     * \`error\` blocks every task until the base is fixed, \`warning\` proceeds and says so.
     */
    redBase: severitySchema.default('warning'),
    /** Line coverage may fall by this many percentage points before it is a regression. */
    coverageDropPercent: z.number().min(0).max(100).default(1),
    /** A changed file that is binary or over `maxFileBytes` (see `binaryFiles`). */
    fileRefused: severitySchema.default('error'),
    maxFileBytes: z
      .number()
      .int()
      .positive()
      .default(5 * 1024 * 1024),
    /** Binary files a change may add or modify: none, any, or those with these extensions (".png"). */
    binaryFiles: z
      .union([z.enum(['refuse', 'allow']), z.array(z.string().regex(/^\.[\w.-]+$/, 'extensions look like ".png"'))])
      .default('refuse'),
  })
  .strict();

export type QualityPolicy = z.output<typeof qualityPolicySchema>;
export type QualityPolicyOverrides = z.input<typeof qualityPolicySchema>;

/** The default policy with the given overrides; throws a ZodError naming a bad field. */
export function resolvePolicy(overrides: QualityPolicyOverrides = {}): QualityPolicy {
  return qualityPolicySchema.parse(overrides);
}
