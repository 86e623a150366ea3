/** Tokens one model call (or one CLI run) used. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface CallUsage extends TokenUsage {
  costUsd: number;
}

export interface ModelPricing {
  /** USD per million input tokens. */
  inputPerMTok: number;
  outputPerMTok: number;
}

export const costOf = (usage: TokenUsage, pricing: ModelPricing): number =>
  (usage.inputTokens * pricing.inputPerMTok + usage.outputTokens * pricing.outputPerMTok) / 1_000_000;
