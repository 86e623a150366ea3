/** Tokens one model call (or one CLI run) used. */
export interface TokenUsage {
  /** All input tokens, cached ones included. */
  inputTokens: number;
  /** All output tokens, reasoning (thinking) ones included. */
  outputTokens: number;
  /** Of the input, read from the provider's cache (when it says). */
  cachedInputTokens?: number;
  /** Of the output, spent on reasoning (when it says). */
  reasoningTokens?: number;
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
